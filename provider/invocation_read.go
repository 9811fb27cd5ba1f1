package provider

// Reading what the service reports about an invocation into the resource's results.

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

func refreshResults(ctx context.Context, client *ecsclient.Client, state *InvocationState) error {
	raw, err := client.DescribeInvocationResults(ctx, state.InvokeID)
	if err != nil {
		return err
	}
	state.Results = convertResults(raw)
	state.Status = string(overallStatus(state.Results, deref(state.RepeatMode)))
	return nil
}

func convertResults(raw []ecs.InvocationResult) []InvocationResult {
	out := make([]InvocationResult, 0, len(raw))
	for _, r := range raw {
		out = append(out, InvocationResult{
			InstanceID:   r.InstanceId,
			Status:       resultStatus(r),
			ExitCode:     int(r.ExitCode),
			Output:       decodeOutput(r.Output),
			Dropped:      r.Dropped,
			ErrorCode:    r.ErrorCode,
			ErrorInfo:    r.ErrorInfo,
			StartTime:    r.StartTime,
			FinishedTime: r.FinishedTime,
			Repeats:      r.Repeats,
		})
	}
	return out
}

// decodeOutput turns the service's Base64 output into text. Output is always text: bytes
// that are not UTF-8 (a Latin-1 byte, a character cut where the service dropped the middle
// of a long output) become U+FFFD, never a Base64 blob. A value that is not Base64 is
// already text (a service that answered in PlainText).
func decodeOutput(s string) string {
	if s == "" {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw = []byte(s)
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// outputLimitOf is the number of output bytes kept per instance in state.
func outputLimitOf(a InvocationArgs, total int) int {
	if a.OutputBytesPerInstance != nil {
		return *a.OutputBytesPerInstance
	}
	if total <= 0 {
		return serviceOutputLimit
	}
	return min(serviceOutputLimit, max(minOutputPerInstance, fleetOutputBudget/total))
}

// limitOutputs keeps the last n bytes of each instance's output (cut on a character
// boundary) and counts what it drops in Dropped, beside what the service dropped.
func limitOutputs(results []InvocationResult, n int) {
	for i := range results {
		out := results[i].Output
		if len(out) <= n {
			continue
		}
		cut := len(out) - n
		for cut < len(out) && !isRuneStart(out[cut]) {
			cut++
		}
		results[i].Output = out[cut:]
		results[i].Dropped += cut
	}
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Reading one batch (one InvokeCommand) while waiting for it, the same way for a
// one-batch Invocation and for each batch of a rollout: per-instance statuses without
// output while it runs, and the outputs, paged, once, when every instance has settled.
// Outputs are the bulk of an answer (up to 24 KB per instance); a status read is small.

// batchRun is one InvokeCommand's instances and what is known of them.
type batchRun struct {
	invokeID string
	ids      []string
	results  map[string]InvocationResult
	done     bool
}

// newBatchRun is a batch just started: every instance Pending.
func newBatchRun(invokeID string, ids []string) *batchRun {
	b := &batchRun{invokeID: invokeID, ids: append([]string(nil), ids...), results: map[string]InvocationResult{}}
	for _, id := range ids {
		b.results[id] = InvocationResult{InstanceID: id, InvokeID: invokeID, Status: string(InstancePending)}
	}
	return b
}

// read reads the batch once: one DescribeInvocations (per-instance statuses, no output);
// when that shows every instance settled, the outputs (DescribeInvocationResults, all
// pages) if withOutput, and the batch is done.
func (b *batchRun) read(ctx context.Context, client *ecsclient.Client, mode RepeatMode, withOutput bool) error {
	inv, err := client.DescribeInvocation(ctx, b.invokeID)
	if err != nil {
		return err
	}
	for _, ii := range inv.InvokeInstances.InvokeInstance {
		b.results[ii.InstanceId] = resultFromStatus(ii, b.invokeID)
	}
	if !b.settled(mode) {
		return nil
	}
	if withOutput {
		raw, err := client.DescribeInvocationResults(ctx, b.invokeID)
		if err != nil {
			return err
		}
		for _, res := range convertResults(raw) {
			res.InvokeID = b.invokeID
			b.results[res.InstanceID] = res
		}
	}
	b.done = true
	return nil
}

// settled reports whether every instance of the batch has settled.
func (b *batchRun) settled(mode RepeatMode) bool {
	return b.finishedCount(mode) == len(b.ids)
}

// finishedCount counts the instances that have settled.
func (b *batchRun) finishedCount(mode RepeatMode) int {
	n := 0
	for _, id := range b.ids {
		if InstanceStatus(b.results[id].Status).settled(mode) {
			n++
		}
	}
	return n
}

// inOrder lists the results in the batch's instance order.
func (b *batchRun) inOrder() []InvocationResult {
	out := make([]InvocationResult, 0, len(b.ids))
	for _, id := range b.ids {
		out = append(out, b.results[id])
	}
	return out
}

// resultFromStatus is an instance's result as a status read reports it: no output.
func resultFromStatus(ii ecs.InvokeInstance, invokeID string) InvocationResult {
	status := ii.InvocationStatus
	if status == "" {
		status = ii.InstanceInvokeStatus
	}
	return InvocationResult{
		InstanceID: ii.InstanceId, InvokeID: invokeID, Status: status, ExitCode: int(ii.ExitCode),
		Dropped: ii.Dropped, ErrorCode: ii.ErrorCode, ErrorInfo: ii.ErrorInfo,
		StartTime: ii.StartTime, FinishedTime: ii.FinishTime, Repeats: ii.Repeats,
	}
}

// Output kept per instance in state when outputBytesPerInstance is not set: the whole 24 KB
// the service keeps for small invocations, and a share of 1 MiB for large ones, so that a
// 1,000-instance Invocation's state stays under 2 MB (the engine rewrites all of it after
// every step).
const (
	serviceOutputLimit   = 24 * 1024
	fleetOutputBudget    = 1 << 20
	minOutputPerInstance = 1024
)
