package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// The service's status vocabulary and the rules the provider applies to it. Results and state
// keep statuses as the strings the service sends (a status this provider does not know yet
// must survive a round trip), so callers convert at the boundary: InstanceStatus(r.Status).

// InstanceStatus is an invocation's status on one instance (InvocationResult.status).
type InstanceStatus string

// The per-instance statuses.
const (
	InstancePending   InstanceStatus = "Pending"
	InstanceScheduled InstanceStatus = "Scheduled" // a Period run waiting for its next time
	InstanceRunning   InstanceStatus = "Running"
	InstanceStopping  InstanceStatus = "Stopping"
	InstanceSuccess   InstanceStatus = "Success"
	// InstanceFinished is the legacy name of a finished run, still sent in some fields.
	InstanceFinished   InstanceStatus = "Finished"
	InstanceFailed     InstanceStatus = "Failed" // a non-zero exit code
	InstanceTimeout    InstanceStatus = "Timeout"
	InstanceError      InstanceStatus = "Error"
	InstanceInvalid    InstanceStatus = "Invalid"
	InstanceAborted    InstanceStatus = "Aborted"
	InstanceCancelled  InstanceStatus = "Cancelled"
	InstanceTerminated InstanceStatus = "Terminated"
	InstanceStopped    InstanceStatus = "Stopped"
)

// terminal is true when the run on this instance has ended, whatever its outcome.
func (s InstanceStatus) terminal() bool {
	switch s {
	case InstanceSuccess, InstanceFailed, InstanceTimeout, InstanceError, InstanceInvalid, InstanceAborted,
		InstanceCancelled, InstanceTerminated, InstanceStopped, InstanceFinished:
		return true
	}
	return false
}

// settled is when waiting ends for one instance: finished, or scheduled for a periodic run.
func (s InstanceStatus) settled(mode RepeatMode) bool {
	return s.terminal() || (mode == RepeatPeriod && s == InstanceScheduled)
}

// succeeded is true for a run that counts as a success under the failure policy.
func (s InstanceStatus) succeeded(mode RepeatMode) bool {
	return s == InstanceSuccess || s == InstanceFinished || (mode == RepeatPeriod && s == InstanceScheduled)
}

// InvocationStatus is the overall status of an invocation (Invocation.status).
type InvocationStatus string

// The overall statuses.
const (
	InvocationPending       InvocationStatus = "Pending"
	InvocationScheduled     InvocationStatus = "Scheduled"
	InvocationRunning       InvocationStatus = "Running"
	InvocationStopping      InvocationStatus = "Stopping"
	InvocationSuccess       InvocationStatus = "Success"
	InvocationFailed        InvocationStatus = "Failed"
	InvocationPartialFailed InvocationStatus = "PartialFailed"
	InvocationStopped       InvocationStatus = "Stopped"
	// InvocationFinished is the legacy name of a finished invocation (InvokeStatus).
	InvocationFinished InvocationStatus = "Finished"
)

// terminal is true when no instance of the invocation runs any more.
func (s InvocationStatus) terminal() bool {
	switch s {
	case InvocationSuccess, InvocationFailed, InvocationPartialFailed, InvocationStopped, InvocationFinished:
		return true
	}
	return false
}

// overallStatus summarizes per-instance statuses the way the service does: in progress while
// any instance is; then Success, Failed, Stopped or PartialFailed.
func overallStatus(results []InvocationResult, mode RepeatMode) InvocationStatus {
	if len(results) == 0 {
		return InvocationPending
	}
	var running, pending, scheduled, ok, stopped, failed int
	for _, r := range results {
		switch InstanceStatus(r.Status) {
		case InstanceRunning, InstanceStopping:
			running++
		case InstancePending:
			pending++
		case InstanceScheduled:
			scheduled++
		case InstanceSuccess, InstanceFinished:
			ok++
		case InstanceCancelled, InstanceTerminated, InstanceStopped:
			stopped++
		default:
			failed++
		}
	}
	switch {
	case running > 0:
		return InvocationRunning
	case pending > 0:
		return InvocationPending
	case scheduled > 0 && failed == 0 && stopped == 0:
		return InvocationScheduled
	case failed == 0 && ok+scheduled > 0:
		return InvocationSuccess // stopped instances do not spoil a success
	case failed == 0:
		return InvocationStopped
	case ok+scheduled == 0:
		return InvocationFailed
	}
	return InvocationPartialFailed
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

// withStatus is a per-instance result: an Invocation's or a file task's.
type withStatus interface {
	instanceStatus() (instanceID string, status string)
}

func (r InvocationResult) instanceStatus() (string, string) { return r.InstanceID, r.Status }

func (r FileResult) instanceStatus() (string, string) { return r.InstanceID, r.Status }

// settledCount counts the results that have settled under mode and names the others, as
// "i-1 (Running)": the progress line and the timeout messages of every wait.
func settledCount[R withStatus](results []R, mode RepeatMode) (finished int, pending []string) {
	for _, r := range results {
		id, s := r.instanceStatus()
		if InstanceStatus(s).settled(mode) {
			finished++
		} else {
			pending = append(pending, id+" ("+s+")")
		}
	}
	return finished, pending
}

// summarize counts the results per status, and the instances never started.
func summarize(results []InvocationResult, notStarted int) map[string]int {
	out := map[string]int{}
	for _, r := range results {
		out[r.Status]++
	}
	if notStarted > 0 {
		out[statusNotStarted] = notStarted
	}
	return out
}

// statusNotStarted counts, in summary, the instances a rollout never started.
const statusNotStarted = "NotStarted"

// failedIDs lists the instances that finished without success, sorted.
func failedIDs(results []InvocationResult, mode RepeatMode) []string {
	out := []string{}
	for _, r := range results {
		if InstanceStatus(r.Status).settled(mode) && !InstanceStatus(r.Status).succeeded(mode) {
			out = append(out, r.InstanceID)
		}
	}
	sort.Strings(out)
	return out
}

// asInvocationResults lets the Invocation's status and failure-policy rules judge a delivery:
// a file task's per-instance statuses are the same vocabulary.
func asInvocationResults(results []FileResult) []InvocationResult {
	out := make([]InvocationResult, len(results))
	for i, r := range results {
		out[i] = InvocationResult{InstanceID: r.InstanceID, Status: r.Status, ErrorCode: r.ErrorCode, ErrorInfo: r.ErrorInfo}
	}
	return out
}

// fileStatus is the overall status of a delivery.
func fileStatus(results []FileResult) string {
	return string(overallStatus(asInvocationResults(results), RepeatOnce))
}

func invocationStatus(inv *ecs.Invocation) string {
	if inv.InvocationStatus != "" {
		return inv.InvocationStatus
	}
	return inv.InvokeStatus
}

// What a failure message may promise of the next `pulumi up`. Some per-instance errors
// come back the same on every run until the program changes (the instance is gone, the cron
// expression never fires again, the user or directory does not exist); a message must not
// say that running again will help then.

// permanentCodes are the results' error codes that a run of the same request meets again,
// with the input to change.
var permanentCodes = map[string]string{
	"InstanceNotExists":    "instanceIds",
	"BadCronExpression":    "frequency",
	"CommandNotApplicable": "the command type or instanceIds",
	"AccountNotExists":     "username",
	"DirectoryNotExists":   "workingDir",
	"FileAlreadyExists":    "overwrite",
}

// permanentCause names the codes among failed that a re-run would meet again, and what to
// change; both empty when a re-run may succeed.
func permanentCause(failed []InvocationResult) (codes, change string) {
	seenCode, seenInput := map[string]bool{}, map[string]bool{}
	var cs, ins []string
	for _, r := range failed {
		in, ok := permanentCodes[r.ErrorCode]
		if !ok {
			continue
		}
		if !seenCode[r.ErrorCode] {
			seenCode[r.ErrorCode] = true
			cs = append(cs, r.ErrorCode)
		}
		if !seenInput[in] {
			seenInput[in] = true
			ins = append(ins, in)
		}
	}
	sort.Strings(cs)
	sort.Strings(ins)
	return strings.Join(cs, ", "), strings.Join(ins, ", ")
}

// nextUp is the closing sentence of a failure message: what the next `pulumi up` does
// (rerun, e.g. "replaces it and runs the command again"), or, when a re-run would fail the
// same way, that the program must change first.
func nextUp(recorded, rerun string, failed []InvocationResult) string {
	codes, change := permanentCause(failed)
	if codes == "" {
		return fmt.Sprintf("%s; the next `pulumi up` %s.", recorded, rerun)
	}
	return fmt.Sprintf("%s; running it again unchanged fails the same way (%s): change %s first.", recorded, codes, change)
}

func policyOr(v *FailurePolicy) FailurePolicy {
	if v == nil || *v == "" {
		return FailIfAny
	}
	return *v
}

// resultStatus is an instance's status in a DescribeInvocationResults answer: the
// InvocationStatus, or the older InvokeRecordStatus where a service leaves it empty.
func resultStatus(r ecs.InvocationResult) string {
	if r.InvocationStatus != "" {
		return r.InvocationStatus
	}
	return r.InvokeRecordStatus
}
