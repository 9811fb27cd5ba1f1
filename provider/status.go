package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi-go-provider/infer"
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

// RepeatMode says when an invocation runs (a File's tasks run once). It is here, with the
// statuses, because it changes their judgement: a Period run's Scheduled status is settled.
type RepeatMode string

// The repeat modes.
const (
	RepeatOnce           RepeatMode = "Once"
	RepeatPeriod         RepeatMode = "Period"
	RepeatNextRebootOnly RepeatMode = "NextRebootOnly"
	RepeatEveryReboot    RepeatMode = "EveryReboot"
)

// Values lists the enum for the schema.
func (RepeatMode) Values() []infer.EnumValue[RepeatMode] {
	return []infer.EnumValue[RepeatMode]{
		{Name: "Once", Value: RepeatOnce, Description: "Run once, now (the default)."},
		{Name: "Period", Value: RepeatPeriod, Description: "Run on the schedule given by `frequency`."},
		{Name: "NextRebootOnly", Value: RepeatNextRebootOnly, Description: "Run once, at the next boot of each instance."},
		{Name: "EveryReboot", Value: RepeatEveryReboot, Description: "Run at every boot of each instance."},
	}
}

// FailurePolicy says when a finished invocation or delivery fails the deployment; violates
// applies it.
type FailurePolicy string

// The failure policies.
const (
	FailIfAny FailurePolicy = "FailIfAny"
	FailIfAll FailurePolicy = "FailIfAll"
	NeverFail FailurePolicy = "Never"
)

// Values lists the enum for the schema.
func (FailurePolicy) Values() []infer.EnumValue[FailurePolicy] {
	return []infer.EnumValue[FailurePolicy]{
		{Name: "FailIfAny", Value: FailIfAny, Description: "Fail if any instance does not succeed (the default)."},
		{Name: "FailIfAll", Value: FailIfAll, Description: "Fail only if no instance succeeds."},
		{Name: "Never", Value: NeverFail, Description: "Never fail; read each instance's outcome from `results`."},
	}
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
func overallStatus[R withStatus](results []R, mode RepeatMode) InvocationStatus {
	if len(results) == 0 {
		return InvocationPending
	}
	var running, pending, scheduled, ok, stopped, failed int
	for _, r := range results {
		_, status := r.instanceStatus()
		switch InstanceStatus(status) {
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
func failedInstances[R withStatus](results []R, mode RepeatMode) []R {
	var out []R
	for _, r := range results {
		if _, status := r.instanceStatus(); !InstanceStatus(status).succeeded(mode) {
			out = append(out, r)
		}
	}
	return out
}

// violates reports whether the outcome fails the deployment under policy.
func violates[R withStatus](policy FailurePolicy, results []R, mode RepeatMode, total int) bool {
	failed := len(failedInstances(results, mode))
	switch policy {
	case NeverFail:
		return false
	case FailIfAll:
		return failed > 0 && failed >= total
	}
	return failed > 0
}

// withStatus is a per-instance result: an Invocation's (InvocationResult) or a file task's
// (FileResult). The judgements here take either, so they depend on neither resource.
type withStatus interface {
	instanceStatus() (instanceID string, status string)
	// failureCode is the service's error code for the instance, empty when it has none.
	failureCode() string
}

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
func summarize[R withStatus](results []R, notStarted int) map[string]int {
	out := map[string]int{}
	for _, r := range results {
		_, status := r.instanceStatus()
		out[status]++
	}
	if notStarted > 0 {
		out[statusNotStarted] = notStarted
	}
	return out
}

// statusNotStarted counts, in summary, the instances a rollout never started.
const statusNotStarted = "NotStarted"

// failedIDs lists the instances that finished without success, sorted.
func failedIDs[R withStatus](results []R, mode RepeatMode) []string {
	out := []string{}
	for _, r := range results {
		if id, status := r.instanceStatus(); InstanceStatus(status).settled(mode) && !InstanceStatus(status).succeeded(mode) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
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
func permanentCause[R withStatus](failed []R) (codes, change string) {
	seenCode, seenInput := map[string]bool{}, map[string]bool{}
	var cs, ins []string
	for _, r := range failed {
		code := r.failureCode()
		in, ok := permanentCodes[code]
		if !ok {
			continue
		}
		if !seenCode[code] {
			seenCode[code] = true
			cs = append(cs, code)
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
func nextUp[R withStatus](recorded, rerun string, failed []R) string {
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
