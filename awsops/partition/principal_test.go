package partition

import (
	"strings"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		arn  string
		ok   bool
		want Principal
		role string
	}{
		{"arn:aws:iam::111122223333:user/lab-admin", true, Principal{"aws", "111122223333", User, "lab-admin", ""}, ""},
		{"arn:aws:iam::111122223333:user/division/team/alice", true, Principal{"aws", "111122223333", User, "alice", ""}, ""},
		{"arn:aws-cn:iam::111122223333:role/ops/Admin", true, Principal{"aws-cn", "111122223333", Role, "Admin", ""}, ""},
		{"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/jane@example.com", true,
			Principal{"aws", "111122223333", RoleSession, "AWSReservedSSO_Admin_0123", "jane@example.com"},
			"arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123"},
		{"arn:aws:sts::111122223333:assumed-role/NoSession", true, Principal{"aws", "111122223333", RoleSession, "NoSession", ""}, ""},
		{"arn:aws-us-gov:sts::111122223333:federated-user/bob", true, Principal{"aws-us-gov", "111122223333", Federated, "bob", ""}, ""},
		{"arn:aws:iam::111122223333:root", true, Principal{"aws", "111122223333", Root, "", ""}, ""},
		{"arn:aws:kms:us-east-1:111122223333:key/1234", true, Principal{"aws", "111122223333", NotPrincipal, "", ""}, ""},
		{"lab-admin", false, Principal{}, ""},
		{"arn:aws:iam::111122223333", false, Principal{}, ""},
		{"urn:aws:iam::111122223333:user/x", false, Principal{}, ""},
	} {
		got, ok := ParsePrincipal(c.arn)
		if ok != c.ok || got != c.want {
			t.Errorf("ParsePrincipal(%q) = %+v, %v; want %+v, %v", c.arn, got, ok, c.want, c.ok)
		}
		if c.role != "" && got.RoleARN() != c.role {
			t.Errorf("%q: RoleARN %q, want %q", c.arn, got.RoleARN(), c.role)
		}
	}
}

// FuzzParsePrincipal: explain takes a principal from the command line.
// Whatever the text, parsing never panics, and what it reads comes from
// the text: the account and partition are its fields, a name is in it.
func FuzzParsePrincipal(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::111122223333:user/a/b", "arn:aws:sts::1:assumed-role/R/s", "arn:::::", "arn:aws:iam::1:root", "role/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		p, ok := ParsePrincipal(arn)
		if !ok {
			if p != (Principal{}) {
				t.Fatalf("%q: not an ARN, yet %+v", arn, p)
			}
			return
		}
		if !strings.HasPrefix(arn, "arn:"+p.Partition+":") || strings.Split(arn, ":")[4] != p.Account {
			t.Fatalf("%q: partition %q, account %q are not its fields", arn, p.Partition, p.Account)
		}
		if !strings.Contains(arn, p.Name) || !strings.Contains(arn, p.Session) {
			t.Fatalf("%q: name %q or session %q not in it", arn, p.Name, p.Session)
		}
		if (p.Kind == NotPrincipal || p.Kind == Root) && p.Name != "" {
			t.Fatalf("%q: kind %d with a name %q", arn, p.Kind, p.Name)
		}
	})
}
