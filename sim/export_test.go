package sim

import "kmslab/sim/audit"

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

// RecordAudit records n copies of e as calls would, saving them to the data
// dir every batch events, as the commits of write calls carry them.
func RecordAudit(s *Server, e audit.Event, n, batch int) error {
	for i := range n {
		e.RequestID = s.env.UUID()
		s.audit.Record(e)
		if (i+1)%batch == 0 || i == n-1 {
			if err := s.durable.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}
