package provider

// Waiting for an invocation and judging its outcome by the failure policy.

import (
	"context"
	"errors"
	"fmt"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
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
	w := &waiter{client: client, invokeID: state.InvokeID, ids: state.InstanceIDs, mode: mode,
		withOutput: outputLimitOf(state.InvocationArgs, len(state.InstanceIDs)) > 0}
	results, done, err := w.wait(waitCtx, started)
	if results != nil || state.Results == nil {
		state.Results = results
	}
	if state.Results == nil {
		state.Results = []InvocationResult{}
	}
	state.Status = string(overallStatus(state.Results, mode))
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
		timeout = defaultCommandTimeout
		if cmd, err := client.DescribeCommand(ctx, state.CommandID); err == nil && cmd.Timeout > 0 {
			timeout = int(cmd.Timeout)
		}
	}
	return boundedWait(ctx, started, timeout, defaultCommandTimeout)
}

// pollSchedule is the wait before each status read: fast at first, because most scripts
// finish within a second, then doubling to a cap, because long scripts need no fast polling.
// Reads at 50, 125, 400 and 1100 ms: a script that finishes within a second costs at most
// four reads, and one that needs up to 100 ms is seen within 1.25× of a 50 ms loop.
var pollSchedule = []time.Duration{50 * time.Millisecond, 75 * time.Millisecond, 275 * time.Millisecond, 700 * time.Millisecond}

const (
	maxPollInterval = 2500 * time.Millisecond
	// deliveryAllowance covers delivery to the instance (the service aborts after a minute)
	// and the service's own bookkeeping, on top of the script's timeout.
	deliveryAllowance = 2 * time.Minute
	// defaultCommandTimeout is the service's default when neither the command nor the run
	// says otherwise.
	defaultCommandTimeout = 60
)

// pollDelay is the wait before read n, given the time d already waited since the invoke.
// After the fixed start, the next read comes a tenth of the elapsed time later (capped),
// so a script is seen at most about 10% after it ends, at a logarithmic number of reads.
func pollDelay(n int, d time.Duration) time.Duration {
	if n < len(pollSchedule) {
		return pollSchedule[n]
	}
	return min(max(d/10, pollSchedule[0]), maxPollInterval)
}

// waiter polls a one-batch invocation until every instance has settled or ctx ends, the
// way a rollout reads each of its batches (batchRun.read): statuses only, outputs once.
type waiter struct {
	client     *ecsclient.Client
	invokeID   string
	ids        []string // the instances it runs on
	mode       RepeatMode
	withOutput bool // state keeps output (outputBytesPerInstance is not 0)
	// lastErr is the status read that was still failing when the wait's deadline came.
	lastErr error
}

// wait returns the latest results; done is false when ctx ended first.
func (w *waiter) wait(ctx context.Context, started time.Time) (results []InvocationResult, done bool, err error) {
	verb := "finished"
	if w.mode == RepeatPeriod {
		verb = "scheduled"
	}
	b := newBatchRun(w.invokeID, w.ids)
	read := false
	done, w.lastErr, err = poll(ctx, started, func(ctx context.Context) (bool, string, error) {
		if err := b.read(ctx, w.client, w.mode, w.withOutput); err != nil {
			return false, "", err
		}
		read = true
		return b.done, fmt.Sprintf("%d/%d instances %s", b.finishedCount(w.mode), len(b.ids), verb), nil
	})
	if !read {
		return nil, done, err
	}
	return b.inOrder(), done, err
}

func cumulativeDelay(n int) time.Duration {
	var d time.Duration
	for i := 0; i <= n; i++ {
		d += pollDelay(i, d)
	}
	return d
}

// sleepUntil waits for t, or reports false when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// failedInstances are the results that did not succeed.
func failedInstances(results []InvocationResult, mode RepeatMode) []InvocationResult {
	var out []InvocationResult
	for _, r := range results {
		if !InstanceStatus(r.Status).succeeded(mode) {
			out = append(out, r)
		}
	}
	return out
}

// violates reports whether the outcome fails the deployment under policy.
func violates(policy FailurePolicy, results []InvocationResult, mode RepeatMode, total int) bool {
	failed := len(failedInstances(results, mode))
	switch policy {
	case NeverFail:
		return false
	case FailIfAll:
		return failed > 0 && failed >= total
	}
	return failed > 0
}
