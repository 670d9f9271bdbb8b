package sim

// FailSaves makes every later save of s's data dir fail with err (nil: save
// again), as a full disk does.
func FailSaves(s *Server, err error) {
	s.durable.gate.Lock()
	defer s.durable.gate.Unlock()
	if err == nil {
		s.durable.fault = nil
		return
	}
	s.durable.fault = func() error { return err }
}
