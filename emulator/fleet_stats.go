package emulator

// StatsPerInstance is Stats with ExecutionsByInstance filled: how many script processes
// started on each instance, so a test can check that a fleet rollout ran exactly once
// everywhere.
func (s *Server) StatsPerInstance() Stats {
	st := s.Stats()
	st.ExecutionsByInstance = s.cloud.ExecutionsByInstance()
	return st
}

// ResetPeakRunning starts a new measurement of Stats.PeakRunning from the scripts running now.
func (s *Server) ResetPeakRunning() { s.cloud.ResetPeakRunning() }
