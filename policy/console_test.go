package policy

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestConsoleKeyPolicy: the console's default key policy names the account
// root in its first statement, the administrators in the second, and the
// users in the use and grant statements; it is a valid key policy.
func TestConsoleKeyPolicy(t *testing.T) {
	t.Parallel()
	admins, users := []string{"arn:aws:iam::111122223333:user/admin"}, []string{"arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/b"}
	doc := ConsoleKeyPolicy("aws", "111122223333", admins, users)
	if _, err := Parse([]byte(doc)); err != nil {
		t.Fatalf("not a policy: %v\n%s", err, doc)
	}
	var got struct {
		Statement []struct {
			Sid       string
			Principal struct{ AWS any }
		}
	}
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		sid string
		aws any
	}{
		{ConsoleSidRoot, "arn:aws:iam::111122223333:root"},
		{ConsoleSidAdmins, admins},
		{ConsoleSidUse, users},
		{ConsoleSidAttach, users},
	}
	if len(got.Statement) != len(want) {
		t.Fatalf("%d statements, want %d", len(got.Statement), len(want))
	}
	for i, w := range want {
		s := got.Statement[i]
		var aws []string
		switch v := s.Principal.AWS.(type) {
		case string:
			aws = []string{v}
		case []any:
			for _, a := range v {
				aws = append(aws, a.(string))
			}
		}
		wantAWS, ok := w.aws.([]string)
		if !ok {
			wantAWS = []string{w.aws.(string)}
		}
		if s.Sid != w.sid || !slices.Equal(aws, wantAWS) {
			t.Errorf("statement %d: %q %q, want %q %q", i, s.Sid, aws, w.sid, wantAWS)
		}
	}
}
