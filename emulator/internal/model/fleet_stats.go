package model

// fleetCounters answer the questions a fleet rollout asks of the emulator: did every
// instance run exactly once, and how many scripts ran at the same time. Guarded by c.mu.
type fleetCounters struct {
	perInstance map[string]int64
	peak        int
}

// started records a script process starting on instanceID while running scripts run
// (this one included). Callers hold c.mu.
func (f *fleetCounters) started(instanceID string, running int) {
	if f.perInstance == nil {
		f.perInstance = map[string]int64{}
	}
	f.perInstance[instanceID]++
	f.peak = max(f.peak, running)
}

// ExecutionsByInstance counts the script processes started on each instance (instances
// that never ran a script are absent).
func (c *Cloud) ExecutionsByInstance() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.fleet.perInstance))
	for k, v := range c.fleet.perInstance {
		out[k] = v
	}
	return out
}

// ResetPeakRunning starts a new peak measurement from the scripts running now.
func (c *Cloud) ResetPeakRunning() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fleet.peak = len(c.running)
}
