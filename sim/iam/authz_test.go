package iam

import (
	"testing"

	"kmslab/sim/api"
)

// TestAuthorization checks that every operation asks the policy engine first,
// with AWS's resources and wording.
func TestAuthorization(t *testing.T) {
	f := newFixture(t, Options{})
	ddb := f.userPrincipal("ddb-user", "AmazonDynamoDBFullAccess")
	power := f.userPrincipal("kms-power", "AWSKeyManagementServicePowerUser")
	self := f.userPrincipal("self")
	f.ok("PutUserPolicy", "UserName", "self", "PolicyName", "own", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"arn:aws:iam::111122223333:user/${aws:username}"}]}`)
	denied := f.userPrincipal("denied", "AdministratorAccess")
	f.ok("PutUserPolicy", "UserName", "denied", "PolicyName", "no-delete", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}`)

	const acct = "arn:aws:iam::111122223333:"
	tests := []struct {
		name string
		who  string
		op   string
		kv   []string
		msg  string // "" means allowed
	}{
		{"ddb user cannot create users", "ddb", "CreateUser", []string{"UserName", "newbie"},
			"User: " + acct + "user/ddb-user is not authorized to perform: iam:CreateUser on resource: " + acct + "user/newbie because no identity-based policy allows the iam:CreateUser action"},
		{"denied before not found", "ddb", "GetUser", []string{"UserName", "nobody"},
			"User: " + acct + "user/ddb-user is not authorized to perform: iam:GetUser on resource: " + acct + "user/nobody because no identity-based policy allows the iam:GetUser action"},
		{"ddb user cannot read managed policies", "ddb", "GetPolicy", []string{"PolicyArn", ddbFull},
			"User: " + acct + "user/ddb-user is not authorized to perform: iam:GetPolicy on resource: " + ddbFull + " because no identity-based policy allows the iam:GetPolicy action"},
		{"listing is on the bare user resource", "ddb", "ListUsers", nil,
			"User: " + acct + "user/ddb-user is not authorized to perform: iam:ListUsers on resource: " + acct + "user/ because no identity-based policy allows the iam:ListUsers action"},
		{"kms power user lists users", "power", "ListUsers", nil, ""},
		{"self reads self", "self", "GetUser", nil, ""},
		{"self lists own keys", "self", "ListAccessKeys", nil, ""},
		{"self cannot read others", "self", "GetUser", []string{"UserName", "ddb-user"},
			"User: " + acct + "user/self is not authorized to perform: iam:GetUser on resource: " + acct + "user/ddb-user because no identity-based policy allows the iam:GetUser action"},
		{"explicit deny beats admin", "denied", "DeleteUserPolicy", []string{"UserName", "self", "PolicyName", "own"},
			"User: " + acct + "user/denied is not authorized to perform: iam:DeleteUserPolicy on resource: " + acct + "user/self with an explicit deny in an identity-based policy"},
		{"admin rest allowed", "denied", "GetPolicy", []string{"PolicyArn", ddbFull}, ""},
	}
	callers := map[string]*api.Principal{"ddb": ddb, "power": power, "self": self, "denied": denied}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			_, err := f.call(callers[tt.who], tt.op, tt.kv...)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("denied: %v", err)
				}
				return
			}
			expectErr(t, err, "AccessDenied", 403, tt.msg)
		})
	}
}
