package provider

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
)

//go:embed function_getinvocation.md
var getInvocationDoc string

// GetInvocation reads an invocation's status and every instance's result with its output,
// for programs that report on runs they did not start (or on a schedule's past runs).
type GetInvocation struct{}

// GetInvocationArgs are the inputs of getInvocation.
type GetInvocationArgs struct {
	InvokeID       string `pulumi:"invokeId"`
	IncludeHistory *bool  `pulumi:"includeHistory,optional"`
}

// GetInvocationResult is the invocation and its results. Parameters are left out on purpose:
// they are often secrets, and a function's outputs are plain.
type GetInvocationResult struct {
	InvokeID     string             `pulumi:"invokeId"`
	CommandID    string             `pulumi:"commandId"`
	CommandName  string             `pulumi:"commandName"`
	CommandType  string             `pulumi:"commandType"`
	Status       string             `pulumi:"status"`
	RepeatMode   string             `pulumi:"repeatMode"`
	Frequency    string             `pulumi:"frequency"`
	Username     string             `pulumi:"username"`
	CreationTime string             `pulumi:"creationTime"`
	InstanceIDs  []string           `pulumi:"instanceIds"`
	Results      []InvocationResult `pulumi:"results"`
	Outputs      map[string]string  `pulumi:"outputs"`
}

var (
	_ = (infer.Fn[GetInvocationArgs, GetInvocationResult])((*GetInvocation)(nil))
	_ = (infer.Annotated)((*GetInvocation)(nil))
)

// Annotate documents the function.
func (g *GetInvocation) Annotate(a infer.Annotator) {
	a.Describe(g, getInvocationDoc)
}

// Annotate documents the inputs.
func (a *GetInvocationArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.InvokeID, "The invocation ID (`t-…`).")
	an.Describe(&a.IncludeHistory, "For periodic and reboot invocations, return one result per run (newest "+
		"first) instead of each instance's latest run. Defaults to false.")
}

// Annotate documents the result.
func (r *GetInvocationResult) Annotate(a infer.Annotator) {
	a.Describe(&r.InvokeID, "The invocation ID.")
	a.Describe(&r.CommandID, "The ID of the command that was invoked.")
	a.Describe(&r.CommandName, "The name of the command that was invoked.")
	a.Describe(&r.CommandType, "The command's interpreter: `RunShellScript`, `RunBatScript` or `RunPowerShellScript`.")
	a.Describe(&r.Status, "The overall status: `Pending`, `Scheduled`, `Running`, `Stopping`, `Success`, "+
		"`Failed`, `PartialFailed` or `Stopped`.")
	a.Describe(&r.RepeatMode, "When the invocation runs: `Once`, `Period`, `NextRebootOnly` or `EveryReboot`.")
	a.Describe(&r.Frequency, "The schedule of a `Period` invocation; empty otherwise.")
	a.Describe(&r.Username, "The user the script runs as; empty means the service default.")
	a.Describe(&r.CreationTime, "When the invocation was created (UTC, ISO 8601).")
	a.Describe(&r.InstanceIDs, "The instances the invocation targets.")
	a.Describe(&r.Results, "The results with decoded output: one per instance, or one per run with `includeHistory`.")
	a.Describe(&r.Outputs, "Each instance's output text of its latest run, by instance ID.")
}

// Invoke reads the invocation and its results.
func (*GetInvocation) Invoke(ctx context.Context, req infer.FunctionRequest[GetInvocationArgs]) (
	infer.FunctionResponse[GetInvocationResult], error,
) {
	id := strings.TrimSpace(req.Input.InvokeID)
	if id == "" {
		return infer.FunctionResponse[GetInvocationResult]{}, errors.New("getInvocation: invokeId must not be empty")
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.FunctionResponse[GetInvocationResult]{}, err
	}
	inv, err := client.DescribeInvocation(ctx, id)
	if err != nil {
		return infer.FunctionResponse[GetInvocationResult]{}, fmt.Errorf("getInvocation: %w", err)
	}
	raw, err := client.DescribeInvocationResultsWithHistory(ctx, id, deref(req.Input.IncludeHistory))
	if err != nil {
		return infer.FunctionResponse[GetInvocationResult]{}, fmt.Errorf("getInvocation: %w", err)
	}
	out := GetInvocationResult{
		InvokeID:     inv.InvokeId,
		CommandID:    inv.CommandId,
		CommandName:  inv.CommandName,
		CommandType:  inv.CommandType,
		Status:       invocationStatus(inv),
		RepeatMode:   inv.RepeatMode,
		Frequency:    inv.Frequency,
		Username:     inv.Username,
		CreationTime: inv.CreationTime,
		InstanceIDs:  []string{},
		Results:      convertResults(raw),
	}
	for _, i := range inv.InvokeInstances.InvokeInstance {
		out.InstanceIDs = append(out.InstanceIDs, i.InstanceId)
	}
	out.Outputs = latestOutputs(out.Results)
	return infer.FunctionResponse[GetInvocationResult]{Output: out}, nil
}

// latestOutputs maps each instance to the output of its latest run. Results come newest
// first, per instance, but a later start time wins whatever the order.
func latestOutputs(results []InvocationResult) map[string]string {
	out := map[string]string{}
	start := map[string]string{}
	for _, r := range results {
		prev, seen := start[r.InstanceID]
		if !seen || r.StartTime > prev {
			out[r.InstanceID] = r.Output
			start[r.InstanceID] = r.StartTime
		}
	}
	return out
}
