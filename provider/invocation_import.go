package provider

// Mapping an existing invocation to the inputs an import records.

import (
	"encoding/json"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// invocationArgsFrom rebuilds the inputs of an imported invocation in the shape Check gives.
func invocationArgsFrom(inv *ecs.Invocation) InvocationArgs {
	mode := RepeatMode(inv.RepeatMode)
	if mode == "" {
		mode = RepeatOnce
	}
	wait, policy := true, FailIfAny
	args := InvocationArgs{
		CommandID:         inv.CommandId,
		RepeatMode:        &mode,
		Frequency:         nilIfEmpty(inv.Frequency),
		Username:          nilIfEmpty(inv.Username),
		ContainerID:       nilIfEmpty(inv.ContainerId),
		ContainerName:     nilIfEmpty(inv.ContainerName),
		Launcher:          nilIfEmpty(inv.Launcher),
		WaitForCompletion: &wait,
		FailurePolicy:     &policy,
	}
	for _, ii := range inv.InvokeInstances.InvokeInstance {
		args.InstanceIDs = append(args.InstanceIDs, ii.InstanceId)
	}
	if inv.Timeout > 0 {
		t := int(inv.Timeout)
		args.Timeout = &t
	}
	if inv.TerminationMode != "" {
		tm := TerminationMode(inv.TerminationMode)
		args.TerminationMode = &tm
	}
	if inv.Parameters != "" && inv.Parameters != "{}" {
		var params map[string]string
		if json.Unmarshal([]byte(inv.Parameters), &params) == nil && len(params) > 0 {
			args.Parameters = params
		}
	}
	if len(inv.Tags.Tag) > 0 {
		args.Tags = map[string]string{}
		for _, t := range inv.Tags.Tag {
			args.Tags[t.TagKey] = t.TagValue
		}
		args.Tags = userTags(args.Tags) // the adoption tags are the provider's, not inputs
	}
	return args
}
