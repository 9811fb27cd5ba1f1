package model

import (
	"strings"
	"time"
)

// InvocationFilter selects invocations; empty fields match everything.
type InvocationFilter struct {
	InvokeID, CommandID, CommandName, CommandType, InstanceID, RepeatMode string
	// Status matches the overall status, current or legacy, case-insensitively.
	Status          string
	Timed           *bool
	ResourceGroupID string
	Tags            []Tag
}

// Invocations lists matching invocations, newest first, as copies.
func (c *Cloud) Invocations(f InvocationFilter) []*Invocation {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*Invocation
	if f.InvokeID != "" {
		if inv, ok := c.invocations[f.InvokeID]; ok && f.matches(inv) {
			out = append(out, inv.clone())
		}
		return out
	}
	for i := len(c.invOrder) - 1; i >= 0; i-- {
		inv := c.invocations[c.invOrder[i]]
		if f.matches(inv) {
			out = append(out, inv.clone())
		}
	}
	return out
}

func (f InvocationFilter) matches(inv *Invocation) bool {
	if (f.CommandID != "" && inv.CommandID != f.CommandID) ||
		(f.CommandType != "" && inv.CommandType != f.CommandType) ||
		(f.RepeatMode != "" && inv.RepeatMode != f.RepeatMode) ||
		!matchName(inv.CommandName, f.CommandName) ||
		(f.Timed != nil && inv.Timed != *f.Timed) ||
		(f.InstanceID != "" && inv.target(f.InstanceID) == nil) || !hasTags(inv.Tags, f.Tags) ||
		(f.ResourceGroupID != "" && inv.ResourceGroupID != f.ResourceGroupID) {
		return false
	}
	if f.Status != "" && !strings.EqualFold(f.Status, inv.Status()) && !strings.EqualFold(f.Status, inv.LegacyStatus()) {
		return false
	}
	return true
}

// Result is one row of DescribeInvocationResults: a run, or the latest state of an instance.
type Result struct {
	InvokeID, CommandID, InstanceID, Username string
	Status, RecordStatus                      string
	Repeats                                   int
	ExitCode                                  int64
	Output                                    []byte
	Dropped                                   int
	ErrorCode, ErrorInfo                      string
	Start, Finish, Stop                       time.Time
	Launcher, ContainerID, ContainerName      string
	TerminationMode                           string
	Tags                                      []Tag
	// OssOutputDelivery is the task's; OssOutputStatus, OssOutputUri, OssOutputErrorCode and
	// OssOutputErrorInfo say what became of the upload, which the emulator never makes.
	OssOutputDelivery, OssOutputStatus, OssOutputURI string
	OssOutputErrorCode, OssOutputErrorInfo           string
}

// ResultFilter selects results.
type ResultFilter struct {
	InvokeID, InstanceID, CommandID string
	// RecordStatus matches the per-instance status, current or legacy, case-insensitively.
	RecordStatus    string
	IncludeHistory  bool
	ResourceGroupID string
	Tags            []Tag
}

// Results lists per-instance results, newest invocation first. Without IncludeHistory each
// instance of an invocation gives one row: its current status with its latest run.
func (c *Cloud) Results(f ResultFilter) []Result {
	invs := c.Invocations(InvocationFilter{InvokeID: f.InvokeID, CommandID: f.CommandID, InstanceID: f.InstanceID, Tags: f.Tags, ResourceGroupID: f.ResourceGroupID})
	var out []Result
	for _, inv := range invs {
		for _, t := range inv.Targets {
			if f.InstanceID != "" && t.InstanceID != f.InstanceID {
				continue
			}
			var rows []Result
			if f.IncludeHistory && len(t.Runs) > 0 {
				for i := len(t.Runs) - 1; i >= 0; i-- {
					row := resultOf(inv, t, t.Runs[i], t.Runs[i].Status)
					row.Output = c.storedOutput(inv.ID, t.InstanceID, t.Runs[i])
					rows = append(rows, row)
				}
			} else {
				rows = append(rows, resultOf(inv, t, t.LastRun(), t.Status))
			}
			for _, r := range rows {
				if f.RecordStatus == "" || strings.EqualFold(f.RecordStatus, r.Status) || strings.EqualFold(f.RecordStatus, r.RecordStatus) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

func resultOf(inv *Invocation, t *Target, r *Run, status string) Result {
	res := Result{
		InvokeID: inv.ID, CommandID: inv.CommandID, InstanceID: t.InstanceID, Username: inv.Username,
		Status: status, RecordStatus: inv.LegacyTargetStatus(t, status), Repeats: t.Repeats,
		ErrorCode: t.ErrorCode, ErrorInfo: t.ErrorInfo, Stop: t.StopTime,
		Launcher: inv.Launcher, ContainerID: inv.ContainerID, ContainerName: inv.ContainerName,
		TerminationMode: inv.TerminationMode, Tags: inv.Tags,
	}
	res.OssOutputDelivery = inv.OssOutputDelivery
	res.OssOutputStatus, res.OssOutputURI, res.OssOutputErrorCode, res.OssOutputErrorInfo = inv.OssOutput(t, status)
	if r != nil {
		res.Repeats = r.Repeat
		if status == t.Status {
			res.Repeats = t.Repeats
		}
		res.ExitCode, res.Output, res.Dropped = r.ExitCode, r.Output, r.Dropped
		res.ErrorCode, res.ErrorInfo = r.ErrorCode, r.ErrorInfo
		res.Start, res.Finish = r.Start, r.Finish
		if !r.Stop.IsZero() {
			res.Stop = r.Stop
		}
	}
	return res
}
