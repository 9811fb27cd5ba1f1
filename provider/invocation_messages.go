package provider

// The messages a failed or unfinished wait reports: which instances, why, and the output's tail.

import (
	"fmt"
	"strings"
	"time"
)

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
