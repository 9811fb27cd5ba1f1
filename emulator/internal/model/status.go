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
		return OverallStopped
	case failed == 0:
		return StatusSuccess
	case success == 0:
		return StatusFailed
	default:
		return OverallPartialFailed
	}
}

// LegacyStatus maps a per-instance status to the legacy InvokeRecordStatus /
// InstanceInvokeStatus: a finished process is Finished whatever its exit code.
func LegacyStatus(s string) string {
	switch s {
	case StatusPending, StatusScheduled, StatusRunning:
		return LegacyRunning
	case StatusStopping:
		return LegacyStopping
	case StatusSuccess, StatusFailed:
		return LegacyFinished
	case StatusCancelled, StatusTerminated:
		return LegacyStopped
	default:
		return LegacyFailed
	}
}

// LegacyOverallStatus aggregates per-instance statuses into the legacy InvokeStatus.
func LegacyOverallStatus(statuses []string) string {
	var finished, failed, stopped int
	for _, s := range statuses {
		switch LegacyStatus(s) {
		case LegacyRunning:
			return LegacyRunning
		case LegacyStopping:
			return LegacyStopping
		case LegacyFinished:
			finished++
		case LegacyStopped:
			stopped++
		default:
			failed++
		}
	}
	switch {
	case stopped == len(statuses):
		return LegacyStopped
	case failed == 0:
		return LegacyFinished
	case finished == 0:
		return LegacyFailed
	default:
		return LegacyPartialFailed
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

// LegacyTargetStatus is the legacy status of one instance of inv (InstanceInvokeStatus,
// InvokeRecordStatus): the legacy form of its status, except that an instance of a periodic
// task whose schedule is still live stays Running, as the service reports it.
func (inv *Invocation) LegacyTargetStatus(t *Target, status string) string {
	if inv.Periodic() && !inv.Stopped && !inv.ScheduleDone && !t.Stopped {
		return LegacyRunning
	}
	return LegacyStatus(status)
}

func (inv *Invocation) statuses() []string {
	out := make([]string, len(inv.Targets))
	for i, t := range inv.Targets {
		out[i] = t.Status
	}
	return out
}
