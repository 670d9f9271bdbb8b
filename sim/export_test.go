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

// StateDigest is everything s holds that a data dir keeps (the audit trail
// aside), as bytes that are equal when the states are.
func StateDigest(s *Server) (string, error) {
	var out []byte
	b, err := s.iam.MarshalState()
	if err != nil {
		return "", err
	}
	out = append(out, b...)
	for _, r := range s.regions.all() {
		kb, err := r.kms.MarshalState()
		if err != nil {
			return "", err
		}
		db, tables, err := r.dynamodb.MarshalState()
		if err != nil {
			return "", err
		}
		out = append(append(append(out, r.name...), kb...), db...)
		for _, t := range tables {
			r.dynamodb.ItemsOf(t.ID, func(_ uint64, ph, ih, sealed []byte, size int) {
				out = append(append(append(out, ph...), ih...), sealed...)
				out = append(out, byte(size))
			})
		}
	}
	return string(out), nil
}
