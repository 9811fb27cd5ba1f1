package emulator

// StatsPerInstance is Stats with ExecutionsByInstance and DeliveriesByInstance filled: how many script processes
// started on each instance and files written there, so a test can check that a fleet rollout ran exactly once
// everywhere.
func (s *Server) StatsPerInstance() Stats {
	st := s.Stats()
	st.ExecutionsByInstance = s.cloud.ExecutionsByInstance()
	st.DeliveriesByInstance = s.cloud.DeliveriesByInstance()
	return st
}

// ResetPeakRunning starts a new measurement of Stats.PeakRunning from the scripts running now.
func (s *Server) ResetPeakRunning() { s.cloud.ResetPeakRunning() }
