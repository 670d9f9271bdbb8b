package policy

import "testing"

// TestAWSOwnedResources: AWS-owned resources (managed policy ARNs, account
// field "aws") are governed by identity policies alone, while a real other
// account still needs both sides to allow.
func TestAWSOwnedResources(t *testing.T) {
	admin := mustParse(t, ParseIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	tests := []struct {
		resource string
		want     Decision
	}{
		{"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", Allow},
		{"arn:aws:iam::111122223333:user/alice", Allow},
		{"arn:aws:iam::444455556666:user/bob", NoDecision},
		{"*", Allow},
	}
	for _, tt := range tests {
		out := Evaluate(Input{
			Request:  Request{PrincipalARN: "arn:aws:iam::111122223333:user/lab-admin", PrincipalAccount: "111122223333", Action: "iam:GetPolicy", Resource: tt.resource},
			Identity: []Named{{Name: "AdministratorAccess", Doc: admin}},
		})
		if out.Decision != tt.want {
			t.Errorf("%s: decision %v, want %v", tt.resource, out.Decision, tt.want)
		}
	}
}
