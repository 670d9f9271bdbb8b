package dynamodb

import (
	"time"
)

// inaccessibility is what a table remembers of its KMS key becoming unusable
// (disabled, pending deletion, gone), in the realistic mode only
// (Options.Recovery): the table is INACCESSIBLE_ENCRYPTION_CREDENTIALS from
// the read that found the key unusable until a while after the key works
// again. AWS documents the state (SSEDescription.InaccessibleEncryptionDateTime:
// cleared "when DynamoDB detects that the table's AWS KMS key is accessible
// again") but no time for that detection, hence a seeded delay.
type inaccessibility struct {
	since     time.Time // zero: accessible
	recoverAt time.Time // zero until a read finds the key usable again
	err       error     // what reads answered while the key was unusable
}

// unusableKey reports whether a KMS error code means the key itself cannot be
// used, rather than that this caller may not use it.
func unusableKey(code string) bool {
	switch code {
	case "DisabledException", "KMSInvalidStateException", "NotFoundException":
		return true
	}
	return false
}

// stillInaccessible is the error a read meets while t has not recovered,
// nil when it has (or never lost its key). Callers hold t.mu.
func (s *Service) stillInaccessible(t *table) error {
	in := &t.inaccessible
	if in.since.IsZero() || in.recoverAt.IsZero() {
		return nil
	}
	if s.env.Now().Before(in.recoverAt) {
		return in.err
	}
	*in = inaccessibility{}
	return nil
}

// sawKey records the outcome of asking KMS for t's key: an unusable key makes
// the table inaccessible; the first success after that starts its recovery,
// and answers as before until it is done. It returns the error the read
// meets. Callers hold t.mu.
func (s *Service) sawKey(t *table, kmsErr, answer error) error {
	if s.opts.Recovery == nil {
		return answer
	}
	in := &t.inaccessible
	if kmsErr != nil {
		if code, _, ok := kmsCode(kmsErr); ok && unusableKey(code) {
			if in.since.IsZero() {
				in.since = s.env.Now()
			}
			in.recoverAt, in.err = time.Time{}, answer
		}
		return answer
	}
	if in.since.IsZero() {
		return nil
	}
	if in.recoverAt.IsZero() {
		in.recoverAt = s.env.Now().Add(s.opts.Recovery())
	}
	return s.stillInaccessible(t)
}
