package ledger

import (
	"strings"
	"testing"
)

// TestDeleteConflictBlamesOnlyWhatIsThere: a DeleteConflict that outlasts
// the wait names what the user really still has; with nothing of the kind,
// it is IAM still counting what the lab removed, and no login profile is
// blamed.
func TestDeleteConflictBlamesOnlyWhatIsThere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		has          []string
		want, reject string
	}{
		{nil, "IAM still counts", "login profile"},
		{[]string{"a console password (login profile)"}, "login profile", "IAM still counts"},
		{[]string{"group memberships", "MFA devices"}, "group memberships, MFA devices", "login profile"},
	} {
		why, hint := conflictWords(tc.has)
		s := why + "; " + hint
		if !strings.Contains(s, tc.want) || strings.Contains(s, tc.reject) {
			t.Errorf("%v: %q", tc.has, s)
		}
	}
}
