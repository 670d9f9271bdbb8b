package policy

import (
	"strings"
	"testing"
)

// TestPermissionsBoundary: a boundary caps the identity policies (AWS then names the
// boundary), its Deny refuses, a resource policy naming the caller is not capped, and a
// key policy that delegates to IAM is capped like IAM.
func TestPermissionsBoundary(t *testing.T) {
	ddbFull := Named{Name: "AmazonDynamoDBFullAccess", Doc: load(t, "identity/AmazonDynamoDBFullAccess.json")}
	onlyDescribe := &Named{Name: "OnlyDescribe", Doc: mustParse(t, ParseIdentity,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:Describe*","kms:Decrypt"],"Resource":"*"}]}`)}
	denyScan := &Named{Name: "DenyScan", Doc: mustParse(t, ParseIdentity,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoScan","Effect":"Deny","Action":"dynamodb:Scan","Resource":"*"}]}`)}
	tableLetsAlice := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"dynamodb:Scan","Resource":"*"}]}`)
	delegating := load(t, "resource/kms-default.json")
	decrypt := mustParse(t, ParseIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)

	for _, c := range []struct {
		name     string
		in       Input
		decision Decision
		reason   Reason
	}{
		{"identity allows, boundary does not", Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:Scan", Resource: table},
			Identity: []Named{ddbFull}, Boundary: onlyDescribe}, NoDecision, NoBoundaryAllow},
		{"both allow", Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:DescribeTable", Resource: table},
			Identity: []Named{ddbFull}, Boundary: onlyDescribe}, Allow, Allowed},
		{"boundary allows, identity does not", Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:DescribeTable", Resource: table},
			Boundary: onlyDescribe}, NoDecision, NoIdentityAllow},
		{"boundary denies", Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:Scan", Resource: table},
			Identity: []Named{ddbFull}, Boundary: denyScan}, Deny, ExplicitDenyBoundary},
		{"resource policy naming the caller is not capped", Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:Scan", Resource: table},
			Resource: tableLetsAlice, Boundary: onlyDescribe}, Allow, Allowed},
		{"key policy delegating to IAM is capped", Input{Request: Request{PrincipalARN: alice, Action: "kms:Decrypt", Resource: keyARN},
			Identity: []Named{{Name: "Decrypt", Doc: decrypt}}, Resource: delegating, KMS: true, Boundary: denyScan}, Allow, Allowed},
		{"key policy delegating to IAM, boundary silent", Input{Request: Request{PrincipalARN: alice, Action: "kms:Encrypt", Resource: keyARN},
			Identity: []Named{{Name: "Decrypt", Doc: mustParse(t, ParseIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`)}},
			Resource: delegating, KMS: true, Boundary: onlyDescribe}, NoDecision, NoBoundaryAllow},
		{"the root user has no boundary", Input{Request: Request{PrincipalARN: root, Action: "dynamodb:Scan", Resource: table},
			Boundary: onlyDescribe}, Allow, Allowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := Evaluate(c.in)
			if out.Decision != c.decision || out.Reason != c.reason {
				t.Fatalf("Evaluate = %v %v, want %v %v", out.Decision, out.Reason, c.decision, c.reason)
			}
			tr := Explain(c.in)
			if tr.Decision != out.Decision || tr.Reason != out.Reason {
				t.Fatalf("Explain decided %v %v, Evaluate %v %v", tr.Decision, tr.Reason, out.Decision, out.Reason)
			}
			if c.in.Request.PrincipalARN != root && tr.Policy(KindBoundary) == nil {
				t.Fatal("the trace does not list the boundary")
			}
		})
	}
	msg := Evaluate(Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:Scan", Resource: table},
		Identity: []Named{ddbFull}, Boundary: onlyDescribe}).Message(alice, "dynamodb:Scan", table)
	if !strings.HasSuffix(msg, " because no permissions boundary allows the dynamodb:Scan action") {
		t.Fatalf("message %q", msg)
	}
	msg = Evaluate(Input{Request: Request{PrincipalARN: alice, Action: "dynamodb:Scan", Resource: table},
		Identity: []Named{ddbFull}, Boundary: denyScan}).Message(alice, "dynamodb:Scan", table)
	if !strings.HasSuffix(msg, " with an explicit deny in a permissions boundary") {
		t.Fatalf("message %q", msg)
	}
}
