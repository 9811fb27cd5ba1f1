package model

// The aggregation rules follow the reference sheet: an overall status is derived from the
// per-instance statuses, and the legacy InvokeStatus/InvokeRecordStatus from the same.

func isActive(s string) bool {
	switch s {
	case StatusPending, StatusScheduled, StatusRunning, StatusStopping:
		return true
	}
	return false
}

func isFailure(s string) bool {
	switch s {
	case StatusFailed, StatusTimeout, StatusError, StatusInvalid, StatusAborted:
		return true
	}
	return false
}

func isStopped(s string) bool { return s == StatusCancelled || s == StatusTerminated }

// OverallStatus aggregates per-instance statuses into the invocation's InvocationStatus.
func OverallStatus(statuses []string) string {
	for _, want := range []string{StatusRunning, StatusStopping, StatusPending, StatusScheduled} {
		for _, s := range statuses {
			if s == want {
				return want
			}
		}
	}
	var success, failed, stopped int
	for _, s := range statuses {
		switch {
		case s == StatusSuccess:
			success++
		case isFailure(s):
			failed++
		case isStopped(s):
			stopped++
		}
	}
	switch {
	case stopped == len(statuses):
		return "Stopped"
	case failed == 0:
		return StatusSuccess
	case success == 0:
		return StatusFailed
	default:
		return "PartialFailed"
	}
}

// LegacyStatus maps a per-instance status to the legacy InvokeRecordStatus /
// InstanceInvokeStatus: a finished process is Finished whatever its exit code.
func LegacyStatus(s string) string {
	switch s {
	case StatusPending, StatusScheduled, StatusRunning:
		return "Running"
	case StatusStopping:
		return "Stopping"
	case StatusSuccess, StatusFailed:
		return "Finished"
	case StatusCancelled, StatusTerminated:
		return "Stopped"
	default:
		return "Failed"
	}
}

// LegacyOverallStatus aggregates per-instance statuses into the legacy InvokeStatus.
func LegacyOverallStatus(statuses []string) string {
	var finished, failed, stopped int
	for _, s := range statuses {
		switch LegacyStatus(s) {
		case "Running":
			return "Running"
		case "Stopping":
			return "Stopping"
		case "Finished":
			finished++
		case "Stopped":
			stopped++
		default:
			failed++
		}
	}
	switch {
	case stopped == len(statuses):
		return "Stopped"
	case failed == 0:
		return "Finished"
	case finished == 0:
		return "Failed"
	default:
		return "PartialFailed"
	}
}

// Status is the invocation's overall InvocationStatus.
func (inv *Invocation) Status() string { return OverallStatus(inv.statuses()) }

// LegacyStatus is the invocation's legacy InvokeStatus.
func (inv *Invocation) LegacyStatus() string { return LegacyOverallStatus(inv.statuses()) }

// Active reports whether the invocation may still run a script.
func (inv *Invocation) Active() bool {
	for _, t := range inv.Targets {
		if isActive(t.Status) {
			return true
		}
	}
	return false
}

func (inv *Invocation) statuses() []string {
	out := make([]string, len(inv.Targets))
	for i, t := range inv.Targets {
		out[i] = t.Status
	}
	return out
}
