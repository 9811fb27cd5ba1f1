package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/poll"
)

// defaultFileTimeout is the service's default delivery timeout, in seconds.
const defaultFileTimeout = 60

// waitAndJudgeFile waits for every instance of every file task, records the results and
// applies the failure policy, like waitAndJudge for an Invocation. Its errors are
// infer.ResourceInitFailedError: the file tasks exist either way. A delivery that failed by
// the policy is marked for a resend (Diff then replaces it); one whose outcome is not known
// yet is not: the next up waits for the same tasks in Update.
func waitAndJudgeFile(ctx context.Context, client *ecsclient.Client, state *FileState, started time.Time) error {
	waitCtx, cancel, budget := poll.Bound(ctx, started, deref(state.Timeout), defaultFileTimeout)
	defer cancel()
	total := len(state.InstanceIDs)
	out := poll.Until(waitCtx, started, func(ctx context.Context) (bool, string, error) {
		tasks, err := readFileTasks(ctx, client, state.InvokeIDs)
		if err != nil {
			return false, "", err
		}
		state.Results = resultsFor(fileResultsOf(tasks), state.InstanceIDs) // a converged file's removed instances drop out
		finished, _ := settledCount(state.Results, RepeatOnce)
		return len(state.Results) >= total && finished == len(state.Results),
			fmt.Sprintf("%d/%d instances received the file", finished, total), nil
	})
	if state.Results == nil {
		state.Results = []FileResult{}
	}
	state.Status = fileStatus(state.Results)
	state.ResendRequired = false
	tasks := strings.Join(state.InvokeIDs, ", ")
	if reason := out.Unfinished(ctx, poll.Texts{
		Doing:     "waiting for file task " + tasks,
		Cancelled: fmt.Sprintf("cancelled while waiting for file task %s; the file may still be arriving.", tasks),
		Timeout:   func() string { return fileTimeoutMessage(state, poll.Waited(ctx, started, budget)) },
		Resume: " The file tasks are recorded; the next `pulumi up` waits for them again " +
			"(and sends the file again if they failed).",
	}); reason != "" {
		return infer.ResourceInitFailedError{Reasons: []string{reason}}
	}
	if violates(deref(state.FailurePolicy), state.Results, RepeatOnce, total) {
		state.ResendRequired = true
		return infer.ResourceInitFailedError{Reasons: []string{fileFailureMessage(state, failedInstances(state.Results, RepeatOnce))}}
	}
	return nil
}

// fileStatus is the overall status of a delivery: the Invocation's summary of the same
// per-instance statuses (a file task runs once).
func fileStatus(results []FileResult) string {
	return string(overallStatus(results, RepeatOnce))
}

// fileFailureMessage names every instance that did not get the file, with the service's
// error code and explanation. File contents never appear in it.
func fileFailureMessage(st *FileState, failed []FileResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file %s was not delivered to %d of %d instance%s (failurePolicy %s):",
		filePath(st.FileArgs), len(failed), len(st.InstanceIDs), pluralS(len(st.InstanceIDs)), policyOr(st.FailurePolicy))
	exists := false
	for _, r := range failed {
		fmt.Fprintf(&b, "\n  %s: %s", r.InstanceID, r.Status)
		if r.ErrorCode != "" {
			fmt.Fprintf(&b, ", error %s", r.ErrorCode)
		}
		if r.ErrorInfo != "" {
			fmt.Fprintf(&b, " (%s)", r.ErrorInfo)
		}
		exists = exists || r.ErrorCode == "FileAlreadyExists"
	}
	if exists {
		b.WriteString("\nThe file exists already on those instances and overwrite is false: set overwrite to true to replace it.")
	}
	b.WriteString("\n" + nextUp("The file tasks are recorded", "sends the file again", failed))
	return b.String()
}

func fileTimeoutMessage(st *FileState, waited time.Duration) string {
	finished, pending := settledCount(st.Results, RepeatOnce)
	msg := fmt.Sprintf("file %s did not reach every instance within %s: %d/%d instances finished",
		filePath(st.FileArgs), waited.Round(time.Second), finished, len(st.InstanceIDs))
	if len(pending) > 0 {
		msg += "; still waiting on " + strings.Join(pending, ", ")
	}
	return msg + ". Raise customTimeouts.create or the timeout."
}
