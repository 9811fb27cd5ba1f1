package provider

// Waiting for an invocation and judging its outcome by the failure policy.

import (
	"context"
	"fmt"
	"strings"
	"sync"
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

// The messages a failed or unfinished wait reports: which instances, why, and the output's tail.

const outputTailLines = 10

// failureMessage lists every failed instance first (failedLines), then says which invocation
// failed and what happens next. It leads with the instances because that is the cause an
// operator looks for first, and RunScript reports this very text as its own error.
func failureMessage(st *InvocationState, failed []InvocationResult, hideOutput bool) string {
	return failedLines(st, failed, hideOutput) + fmt.Sprintf("\ninvocation %s of command %s failed on %d of %d "+
		"instance%s (failurePolicy %s). ",
		st.InvokeID, st.CommandID, len(failed), len(st.InstanceIDs), pluralS(len(st.InstanceIDs)), deref(st.FailurePolicy)) +
		nextUp("The invocation is recorded", "replaces it and runs the command again", failed)
}

// failedLines gives one line per failed instance — `i-abc: Failed, exit code 3, error
// ExitCodeNonzero (…)` — each followed by the tail of its output. Output is left out when
// results are secret, and parameter values are masked in any case: scripts echo them.
func failedLines(st *InvocationState, failed []InvocationResult, hideOutput bool) string {
	var b strings.Builder
	for i, r := range failed {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: %s, exit code %d", r.InstanceID, r.Status, r.ExitCode)
		if r.ErrorCode != "" {
			fmt.Fprintf(&b, ", error %s", r.ErrorCode)
		}
		if r.ErrorInfo != "" {
			fmt.Fprintf(&b, " (%s)", maskParams(r.ErrorInfo, st.Parameters))
		}
		if r.Dropped > 0 {
			fmt.Fprintf(&b, "; the service dropped %d bytes of its output (it keeps 24 KB)", r.Dropped)
		}
		switch {
		case hideOutput:
			b.WriteString("\n    (output hidden: results are secret)")
		case strings.TrimSpace(r.Output) != "":
			fmt.Fprintf(&b, "\n    last lines of output:")
			for _, line := range tailLines(maskParams(r.Output, st.Parameters), outputTailLines) {
				fmt.Fprintf(&b, "\n    | %s", line)
			}
		}
	}
	return b.String()
}

// toleratedMessage is the warning for failures the policy accepts: the deployment goes on,
// but the user should know which instances did not succeed.
func toleratedMessage(st *InvocationState, failed []InvocationResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "invocation %s of command %s did not succeed on %d of %d instance%s; failurePolicy %s accepts that:",
		st.InvokeID, st.CommandID, len(failed), len(st.InstanceIDs), pluralS(len(st.InstanceIDs)), policyOr(st.FailurePolicy))
	for _, r := range failed {
		fmt.Fprintf(&b, " %s (%s, exit code %d", r.InstanceID, r.Status, r.ExitCode)
		if r.ErrorCode != "" {
			fmt.Fprintf(&b, ", %s", r.ErrorCode)
		}
		b.WriteString(")")
	}
	return b.String()
}

func timeoutMessage(st *InvocationState, results []InvocationResult, waited time.Duration) string {
	finished, pending := settledCount(results, deref(st.RepeatMode))
	msg := fmt.Sprintf("invocation %s of command %s did not finish within %s: %d/%d instances finished",
		st.InvokeID, st.CommandID, waited.Round(time.Second), finished, len(st.InstanceIDs))
	if len(pending) > 0 {
		msg += "; still waiting on " + strings.Join(pending, ", ")
	}
	return msg + ". Raise customTimeouts.create or the timeout, or set waitForCompletion to false."
}

func tailLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

func maskParams(s string, params map[string]string) string {
	for _, v := range params {
		if len(v) >= 3 {
			s = strings.ReplaceAll(s, v, "[secret]")
		}
	}
	return s
}

// commandFacts remembers, for the life of this provider process (one `pulumi up` or
// preview), what the Invocations need to know of each command they run: its timeout (an
// Invocation without its own bounds its wait by it) and its parameters (Check fails a
// `{{name}}` without a value). A stack of N Invocations of one Command would otherwise
// read that Command N times. Neither changes under a command's ID through this provider
// (a change of content or timeout replaces the Command; see change_effects.go).
var commandFacts sync.Map

type commandFactsKey struct {
	client    *ecsclient.Client
	commandID string
}

// commandFact is what is remembered of one command.
type commandFact struct {
	timeout         int // seconds; 0 when the command says none
	enableParameter bool
	parameterNames  []string
}

// describeCommandOnce reads a command once per process; a failed read is not remembered.
func describeCommandOnce(ctx context.Context, client *ecsclient.Client, commandID string) (commandFact, error) {
	key := commandFactsKey{client, commandID}
	if f, ok := commandFacts.Load(key); ok {
		return f.(commandFact), nil
	}
	cmd, err := client.DescribeCommand(ctx, commandID)
	if err != nil {
		return commandFact{}, err
	}
	f := commandFact{timeout: int(cmd.Timeout), enableParameter: cmd.EnableParameter,
		parameterNames: append([]string(nil), cmd.ParameterNames.ParameterName...)}
	commandFacts.Store(key, f)
	return f, nil
}

// commandTimeout is the command's timeout in seconds, or poll.DefaultCommandTimeout when the
// command says none or cannot be read (the wait is bounded either way).
func commandTimeout(ctx context.Context, client *ecsclient.Client, commandID string) int {
	f, err := describeCommandOnce(ctx, client, commandID)
	if err != nil || f.timeout <= 0 {
		return poll.DefaultCommandTimeout // a failed read is not remembered: the next wait reads it again
	}
	return f.timeout
}
