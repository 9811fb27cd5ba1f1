package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

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

// Per-instance statuses.
func terminal(status string) bool {
	switch status {
	case "Success", "Failed", "Timeout", "Error", "Invalid", "Aborted", "Cancelled", "Terminated", "Stopped", "Finished":
		return true
	}
	return false
}

// settled is when waiting ends for one instance: finished, or scheduled for a periodic run.
func settled(status string, mode RepeatMode) bool {
	return terminal(status) || (mode == RepeatPeriod && status == "Scheduled")
}

func succeeded(status string, mode RepeatMode) bool {
	return status == "Success" || status == "Finished" || (mode == RepeatPeriod && status == "Scheduled")
}

// waiter polls an invocation until every instance has settled or ctx ends.
type waiter struct {
	client   *ecsclient.Client
	invokeID string
	mode     RepeatMode
	total    int
	// lastStatus is the progress line last shown, so it is only repeated on change.
	lastStatus string
	// lastErr is the status read that was still failing when the wait's deadline came.
	lastErr error
}

// wait returns the latest results; done is false when ctx ended first.
func (w *waiter) wait(ctx context.Context, started time.Time) (results []InvocationResult, done bool, err error) {
	log := p.GetLogger(ctx)
	// Status reads ride out API outages until the wait's deadline, saying so on the status
	// line; the progress line is shown again once the API answers.
	reads := ecsclient.Patient(ctx, func(line string) {
		log.InfoStatus(line)
		w.lastStatus = ""
	})
	for n := 0; ; n++ {
		next := started.Add(cumulativeDelay(n))
		if !sleepUntil(ctx, next) {
			return results, false, nil
		}
		raw, err := w.client.DescribeInvocationResults(reads, w.invokeID)
		if err != nil {
			if ctx.Err() != nil {
				w.lastErr = err
				return results, false, nil
			}
			return results, false, err
		}
		results = convertResults(raw)
		finished := 0
		for _, r := range results {
			if settled(r.Status, w.mode) {
				finished++
			}
		}
		if len(results) >= w.total && finished == len(results) {
			return results, true, nil
		}
		verb := "finished"
		if w.mode == RepeatPeriod {
			verb = "scheduled"
		}
		if line := fmt.Sprintf("%d/%d instances %s", finished, w.total, verb); line != w.lastStatus {
			log.InfoStatus(line)
			w.lastStatus = line
		}
	}
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

func convertResults(raw []ecs.InvocationResult) []InvocationResult {
	out := make([]InvocationResult, 0, len(raw))
	for _, r := range raw {
		status := r.InvocationStatus
		if status == "" {
			status = r.InvokeRecordStatus
		}
		out = append(out, InvocationResult{
			InstanceID:   r.InstanceId,
			Status:       status,
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

// overallStatus summarizes per-instance statuses the way the service does: in progress while
// any instance is; then Success, Failed, Stopped or PartialFailed.
func overallStatus(results []InvocationResult, mode RepeatMode) string {
	if len(results) == 0 {
		return "Pending"
	}
	var running, pending, scheduled, ok, stopped, failed int
	for _, r := range results {
		switch r.Status {
		case "Running", "Stopping":
			running++
		case "Pending":
			pending++
		case "Scheduled":
			scheduled++
		case "Success", "Finished":
			ok++
		case "Cancelled", "Terminated", "Stopped":
			stopped++
		default:
			failed++
		}
	}
	switch {
	case running > 0:
		return "Running"
	case pending > 0:
		return "Pending"
	case scheduled > 0 && failed == 0 && stopped == 0:
		return "Scheduled"
	case failed == 0 && ok+scheduled > 0:
		return "Success" // stopped instances do not spoil a success
	case failed == 0:
		return "Stopped"
	case ok+scheduled == 0:
		return "Failed"
	}
	return "PartialFailed"
}

// failedInstances are the results that did not succeed.
func failedInstances(results []InvocationResult, mode RepeatMode) []InvocationResult {
	var out []InvocationResult
	for _, r := range results {
		if !succeeded(r.Status, mode) {
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

const outputTailLines = 10

// failureMessage lists every failed instance with status, exit code, error code and the
// tail of its output. Output is left out when results are secret, and parameter values
// are masked in any case: scripts echo them.
func failureMessage(st *InvocationState, failed []InvocationResult, hideOutput bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "invocation %s of command %s failed on %d of %d instance%s (failurePolicy %s):",
		st.InvokeID, st.CommandID, len(failed), len(st.InstanceIDs), pluralS(len(st.InstanceIDs)), deref(st.FailurePolicy))
	for _, r := range failed {
		fmt.Fprintf(&b, "\n  %s: %s, exit code %d", r.InstanceID, r.Status, r.ExitCode)
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
	b.WriteString("\nThe invocation is recorded; the next `pulumi up` replaces it and runs the command again.")
	return b.String()
}

func timeoutMessage(st *InvocationState, results []InvocationResult, waited time.Duration) string {
	var pending []string
	finished := 0
	for _, r := range results {
		if settled(r.Status, deref(st.RepeatMode)) {
			finished++
		} else {
			pending = append(pending, r.InstanceID+" ("+r.Status+")")
		}
	}
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

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
