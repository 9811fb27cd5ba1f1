package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// waitAndJudge waits for the invocation, records the results and applies the failure
// policy. Its errors are infer.ResourceInitFailedError: the resource exists either way.
// A run that failed by the policy is marked for a re-run (Diff then replaces it). A run whose
// outcome is not known yet (timeout, cancel, API trouble while polling) is not: the next up
// calls Update, which waits for that same run instead of starting a second one beside it.
func waitAndJudge(ctx context.Context, client *ecsclient.Client, state *InvocationState, started time.Time) error {
	mode := deref(state.RepeatMode)
	waitCtx, cancel, budget := waitContext(ctx, client, state, started)
	defer cancel()
	w := &waiter{client: client, invokeID: state.InvokeID, mode: mode, total: len(state.InstanceIDs)}
	results, done, err := w.wait(waitCtx, started)
	if results != nil || state.Results == nil {
		state.Results = results
	}
	if state.Results == nil {
		state.Results = []InvocationResult{}
	}
	state.Status = overallStatus(state.Results, mode)
	state.RerunRequired = false
	const resume = " The invocation is recorded; the next `pulumi up` waits for this run again " +
		"(and replaces it if it failed)."
	switch {
	case err != nil:
		return infer.ResourceInitFailedError{Reasons: []string{
			fmt.Sprintf("waiting for invocation %s: %v.%s", state.InvokeID, err, resume)}}
	case !done && errors.Is(ctx.Err(), context.Canceled):
		return infer.ResourceInitFailedError{Reasons: []string{fmt.Sprintf(
			"cancelled while waiting for invocation %s; it may still be running.%s", state.InvokeID, resume)}}
	case !done:
		waited := time.Since(started)
		if _, ok := ctx.Deadline(); !ok && budget > 0 {
			waited = budget
		}
		msg := timeoutMessage(state, state.Results, waited)
		if w.lastErr != nil {
			msg += " The API was still failing when the wait ended: " + w.lastErr.Error() + "."
		}
		return infer.ResourceInitFailedError{Reasons: []string{msg + resume}}
	}
	if violates(deref(state.FailurePolicy), results, mode, len(state.InstanceIDs)) {
		state.RerunRequired = true
		msg := failureMessage(state, failedInstances(results, mode), resultsSecret(state.InvocationArgs))
		return infer.ResourceInitFailedError{Reasons: []string{msg}}
	}
	return nil
}

// waitContext bounds the wait: by the engine's deadline (customTimeouts) when there is one,
// else by the run's timeout plus delivery time.
func waitContext(ctx context.Context, client *ecsclient.Client, state *InvocationState, started time.Time) (
	context.Context, context.CancelFunc, time.Duration,
) {
	if _, ok := ctx.Deadline(); ok {
		c, cancel := context.WithCancel(ctx)
		return c, cancel, 0
	}
	timeout := deref(state.Timeout)
	if timeout == 0 {
		// The command's own timeout applies; reading it costs one call, made while the
		// script starts anyway.
		timeout = defaultCommandTimeout
		if cmd, err := client.DescribeCommand(ctx, state.CommandID); err == nil && cmd.Timeout > 0 {
			timeout = int(cmd.Timeout)
		}
	}
	budget := time.Duration(timeout)*time.Second + deliveryAllowance
	c, cancel := context.WithDeadline(ctx, started.Add(budget))
	return c, cancel, budget
}

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
		tags := make([]ecs.InvokeCommandTag, 0, len(in.Tags))
		for _, k := range sortedKeys(in.Tags) {
			tags = append(tags, ecs.InvokeCommandTag{Key: k, Value: in.Tags[k]})
		}
		r.Tag = &tags
	}
	return r
}

func refreshResults(ctx context.Context, client *ecsclient.Client, state *InvocationState) error {
	raw, err := client.DescribeInvocationResults(ctx, state.InvokeID)
	if err != nil {
		return err
	}
	state.Results = convertResults(raw)
	state.Status = overallStatus(state.Results, deref(state.RepeatMode))
	return nil
}

func resultsSecret(a InvocationArgs) bool {
	if a.SecretResults != nil {
		return *a.SecretResults
	}
	return len(a.Parameters) > 0
}

// active is true for invocations that keep running after Create: schedules and boot hooks.
func active(a InvocationArgs) bool {
	switch effectiveMode(a) {
	case RepeatPeriod, RepeatEveryReboot, RepeatNextRebootOnly:
		return true
	}
	return false
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

func terminalOverall(status string) bool {
	switch status {
	case "Success", "Failed", "PartialFailed", "Stopped", "Finished":
		return true
	}
	return false
}

func invocationStatus(inv *ecs.Invocation) string {
	if inv.InvocationStatus != "" {
		return inv.InvocationStatus
	}
	return inv.InvokeStatus
}

func boolOr(v *bool, def bool) bool {
	if v == nil {
		return def
	}
	return *v
}

func policyOr(v *FailurePolicy) FailurePolicy {
	if v == nil || *v == "" {
		return FailIfAny
	}
	return *v
}

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
	}
	return args
}
