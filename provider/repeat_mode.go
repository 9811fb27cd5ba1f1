package provider

import "github.com/pulumi/pulumi-go-provider/infer"

// RepeatMode says when an invocation runs.
type RepeatMode string

// The repeat modes.
const (
	RepeatOnce           RepeatMode = "Once"
	RepeatPeriod         RepeatMode = "Period"
	RepeatNextRebootOnly RepeatMode = "NextRebootOnly"
	RepeatEveryReboot    RepeatMode = "EveryReboot"
)

// Values lists the enum for the schema.
func (RepeatMode) Values() []infer.EnumValue[RepeatMode] {
	return []infer.EnumValue[RepeatMode]{
		{Name: "Once", Value: RepeatOnce, Description: "Run once, now (the default)."},
		{Name: "Period", Value: RepeatPeriod, Description: "Run on the schedule given by `frequency`."},
		{Name: "NextRebootOnly", Value: RepeatNextRebootOnly, Description: "Run once, at the next boot of each instance."},
		{Name: "EveryReboot", Value: RepeatEveryReboot, Description: "Run at every boot of each instance."},
	}
}
