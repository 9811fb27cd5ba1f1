package model

// fleetCounters answer the questions a fleet rollout asks of the emulator: did every
// instance run exactly once, and how many scripts ran at the same time. Guarded by c.mu.
type fleetCounters struct {
	perInstance map[string]int64
	peak        int
	// delivered counts the files written on each instance (SendFile successes).
	delivered map[string]int64
}

// deliveredTo records a file written on instanceID. Callers hold c.mu.
func (f *fleetCounters) deliveredTo(instanceID string) {
	if f.delivered == nil {
		f.delivered = map[string]int64{}
	}
	f.delivered[instanceID]++
}

// DeliveriesByInstance counts the files SendFile wrote on each instance (instances that
// never received one are absent), so a test can check that a file reached every instance
// exactly once.
func (c *Cloud) DeliveriesByInstance() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.fleet.delivered))
	for k, v := range c.fleet.delivered {
		out[k] = v
	}
	return out
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
