package provider

// Waiting for an invocation and judging its outcome by the failure policy.

import (
	"context"
	"fmt"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
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
	w := &waiter{client: client, invokeID: state.InvokeID, ids: state.InstanceIDs, mode: mode,
		withOutput: outputLimitOf(state.InvocationArgs, len(state.InstanceIDs)) > 0}
	results, out := w.wait(waitCtx, started)
	if results != nil || state.Results == nil {
		state.Results = results
	}
	if state.Results == nil {
		state.Results = []InvocationResult{}
	}
	state.Status = string(overallStatus(state.Results, mode))
	state.RerunRequired = false
	if reason := out.Unfinished(ctx, poll.Texts{
		Doing:     "waiting for invocation " + state.InvokeID,
		Cancelled: fmt.Sprintf("cancelled while waiting for invocation %s; it may still be running.", state.InvokeID),
		Timeout: func() string {
			return timeoutMessage(state, state.Results, poll.Waited(ctx, started, budget))
		},
		Resume: " The invocation is recorded; the next `pulumi up` waits for this run again " +
			"(and replaces it if it failed).",
	}); reason != "" {
		return infer.ResourceInitFailedError{Reasons: []string{reason}}
	}
	if violates(deref(state.FailurePolicy), results, mode, len(state.InstanceIDs)) {
		state.RerunRequired = true
		msg := failureMessage(state, failedInstances(results, mode), resultsSecret(state.InvocationArgs))
		return infer.ResourceInitFailedError{Reasons: []string{msg}}
	}
	if failed := failedInstances(results, mode); len(failed) > 0 {
		p.GetLogger(ctx).Warning(toleratedMessage(state, failed))
	}
	return nil
}

// waitContext bounds the wait: by the engine's deadline (customTimeouts) when there is one,
// else by the run's timeout plus delivery time.
func waitContext(ctx context.Context, client *ecsclient.Client, state *InvocationState, started time.Time) (
	context.Context, context.CancelFunc, time.Duration,
) {
	timeout := deref(state.Timeout)
	if _, ok := ctx.Deadline(); !ok && timeout == 0 {
		// The command's own timeout applies; reading it costs one call, made while the
		// script starts anyway.
		timeout = commandTimeout(ctx, client, state.CommandID)
	}
	return poll.Bound(ctx, started, timeout, poll.DefaultCommandTimeout)
}

// waiter polls a one-batch invocation until every instance has settled or ctx ends, the
// way a rollout reads each of its batches (batchRun.read): statuses only, outputs once.
type waiter struct {
	client     *ecsclient.Client
	invokeID   string
	ids        []string // the instances it runs on
	mode       RepeatMode
	withOutput bool // state keeps output (outputBytesPerInstance is not 0)
}

// wait returns the latest results (nil before the first read) and how the wait ended.
func (w *waiter) wait(ctx context.Context, started time.Time) ([]InvocationResult, poll.Outcome) {
	verb := "finished"
	if w.mode == RepeatPeriod {
		verb = "scheduled"
	}
	b := newBatchRun(w.invokeID, w.ids)
	read := false
	out := poll.Until(ctx, started, func(ctx context.Context) (bool, string, error) {
		if err := b.read(ctx, w.client, w.mode, w.withOutput); err != nil {
			return false, "", err
		}
		read = true
		return b.done, fmt.Sprintf("%d/%d instances %s", b.finishedCount(w.mode), len(b.ids), verb), nil
	})
	if !read {
		return nil, out
	}
	return b.inOrder(), out
}
