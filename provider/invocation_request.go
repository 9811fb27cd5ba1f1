package provider

// Building the InvokeCommand request, and what the inputs mean for the run.

import (
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

func invokeRequest(in InvocationArgs, token string) *ecs.InvokeCommandRequest {
	r := ecs.CreateInvokeCommandRequest()
	r.ClientToken = token
	r.CommandId = in.CommandID
	ids := append([]string{}, in.InstanceIDs...)
	r.InstanceId = &ids
	r.RepeatMode = string(deref(in.RepeatMode))
	if in.Timed != nil {
		r.Timed = requests.NewBoolean(*in.Timed)
	}
	r.Frequency = strings.TrimSpace(deref(in.Frequency))
	if len(in.Parameters) > 0 {
		params := make(map[string]any, len(in.Parameters))
		for k, v := range in.Parameters {
			params[k] = v
		}
		r.Parameters = params
	}
	r.Username = deref(in.Username)
	r.WindowsPasswordName = deref(in.WindowsPasswordName)
	if in.Timeout != nil {
		r.Timeout = requests.NewInteger(*in.Timeout)
	}
	r.ContainerId = deref(in.ContainerID)
	r.ContainerName = deref(in.ContainerName)
	r.TerminationMode = string(deref(in.TerminationMode))
	r.Launcher = deref(in.Launcher)
	r.ResourceGroupId = deref(in.ResourceGroupID)
	if len(in.Tags) > 0 {
		r.Tag = appendTags(nil, in.Tags, func(k, v string) ecs.InvokeCommandTag { return ecs.InvokeCommandTag{Key: k, Value: v} })
	}
	return r
}

func effectiveMode(a InvocationArgs) RepeatMode {
	if deref(a.Timed) && deref(a.Frequency) != "" {
		return RepeatPeriod
	}
	if a.RepeatMode == nil || *a.RepeatMode == "" {
		return RepeatOnce
	}
	return *a.RepeatMode
}

// active is true for invocations that keep running after Create: schedules and boot hooks.
func active(a InvocationArgs) bool {
	switch effectiveMode(a) {
	case RepeatPeriod, RepeatEveryReboot, RepeatNextRebootOnly:
		return true
	}
	return false
}

func resultsSecret(a InvocationArgs) bool {
	if a.SecretResults != nil {
		return *a.SecretResults
	}
	return len(a.Parameters) > 0
}

// `parameters` on an Invocation of a command created without enableParameter. The Invocation
// cannot see the Command's setting from its inputs (only its ID), and looking it up before
// every InvokeCommand would cost a call on every run to catch a mistake the service reports
// by itself: InvokeCommand answers Parameter.Disabled and starts nothing. That answer is turned
// into the fix, naming the property and the command, never a value.

// codeParameterDisabled is the service's answer to Parameters for a command whose custom
// parameters are off.
const codeParameterDisabled = "Parameter.Disabled"

// withParameterHint explains a Parameter.Disabled answer to InvokeCommand of commandID; any
// other error passes unchanged. The service's own text stays after the hint (it is scrubbed
// of parameter values like every API error).
func withParameterHint(err error, commandID string) error {
	if ecsclient.Code(err) != codeParameterDisabled {
		return err
	}
	return fmt.Errorf("parameters: command %s was created without enableParameter; set enableParameter: true on "+
		"the Command (or leave parameters out): %w", commandID, err)
}
