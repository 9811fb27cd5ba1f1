package provider

import "github.com/pulumi/pulumi-go-provider/infer"

// CommandType is the interpreter of a command.
type CommandType string

// The command types the service knows.
const (
	CommandTypeShell      CommandType = "RunShellScript"
	CommandTypeBat        CommandType = "RunBatScript"
	CommandTypePowerShell CommandType = "RunPowerShellScript"
)

// Values lists the enum for the schema.
func (CommandType) Values() []infer.EnumValue[CommandType] {
	return []infer.EnumValue[CommandType]{
		{Name: "RunShellScript", Value: CommandTypeShell, Description: "A shell script, for Linux instances."},
		{Name: "RunBatScript", Value: CommandTypeBat, Description: "A Bat script, for Windows instances."},
		{Name: "RunPowerShellScript", Value: CommandTypePowerShell, Description: "A PowerShell script, for Windows instances."},
	}
}
