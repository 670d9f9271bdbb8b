package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTrace walks the lab's situations through Explain and checks the
// decision, the rule that decided, and what the trace says about the
// statements a learner asks about.
func TestTrace(t *testing.T) {
	defaultKey := load(t, "resource/kms-default.json")
	consoleKey := load(t, "resource/kms-console.json")
	viaKey := load(t, "resource/kms-via-service.json")
	// The console policy without its root statement: IAM cannot help any more.
	noRoot := mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"kms:Decrypt","Resource":"*"}]}`)
	ddbFull := Named{Name: "AmazonDynamoDBFullAccess", Doc: load(t, "identity/AmazonDynamoDBFullAccess.json"), Kind: KindManaged}
	kmsDecrypt := Named{Name: "DecryptTheKey", Kind: KindInline, Doc: mustParse(t, ParseIdentity,
		`{"Version":"2012-10-17","Statement":[{"Sid":"Decrypt","Effect":"Allow","Action":"kms:Decrypt","Resource":"`+keyARN+`"}]}`)}
	denyDecrypt := Named{Name: "NoDecrypt", Kind: KindInline, Doc: mustParse(t, ParseIdentity,
		`{"Version":"2012-10-17","Statement":[{"Sid":"NoDecrypt","Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}`)}
	via := Context{"kms:ViaService": {"dynamodb.us-east-1.amazonaws.com"}}
	grant := Grant{ID: "g-1", Grantee: bob, Operations: []string{"Decrypt", "Encrypt"}}

	for _, c := range []struct {
		name     string
		who      string
		identity []Named
		key      *Document
		ctx      Context
		grants   []Grant
		state    string
		decision Decision
		reason   Reason
		verdict  string
		// statement of the key policy (by Sid) -> the words its Why must contain
		keyWhy map[string]string
		// a step finding that must appear
		finding string
	}{
		{name: "lab denial", who: bob, identity: []Named{ddbFull}, key: consoleKey, ctx: via,
			decision: NoDecision, reason: NoIdentityAllow, verdict: "AccessDenied",
			keyWhy: map[string]string{
				"Enable IAM User Permissions": "names the account: IAM policies decide",
				"Allow use of the key":        "not this caller",
			},
			finding: "None of the caller's IAM policies allows kms:Decrypt on this resource."},
		{name: "key policy names the user", who: alice, identity: []Named{ddbFull}, key: consoleKey, ctx: via,
			decision: Allow, reason: Allowed, verdict: "Allowed",
			keyWhy:  map[string]string{"Allow use of the key": "allows"},
			finding: `Statement "Allow use of the key" names the caller: it allows by itself.`},
		{name: "IAM policy with root statement", who: bob, identity: []Named{ddbFull, kmsDecrypt}, key: defaultKey,
			decision: Allow, reason: Allowed, verdict: "Allowed",
			keyWhy:  map[string]string{"Enable IAM User Permissions": "IAM policies decide"},
			finding: `Allowed by "Decrypt" in the inline policy DecryptTheKey.`},
		{name: "IAM policy without root statement", who: bob, identity: []Named{ddbFull, kmsDecrypt}, key: noRoot,
			decision: NoDecision, reason: NoResourceAllow, verdict: "AccessDenied",
			keyWhy:  map[string]string{"Allow use of the key": "names " + alice + ", not this caller"},
			finding: "No statement of the key policy applies to " + bob + "."},
		{name: "explicit IAM deny over key allow", who: alice, identity: []Named{denyDecrypt}, key: consoleKey,
			decision: Deny, reason: ExplicitDenyIdentity, verdict: "AccessDenied",
			keyWhy:  map[string]string{"Allow use of the key": "allows"},
			finding: `Denied by "NoDecrypt" in the inline policy NoDecrypt. No allow can override it.`},
		{name: "via DynamoDB", who: alice, key: viaKey, ctx: via,
			decision: Allow, reason: Allowed, verdict: "Allowed",
			keyWhy: map[string]string{"Allow use of the key only through DynamoDB": "allows"}},
		{name: "direct decrypt of a via-DynamoDB key", who: alice, key: viaKey,
			decision: NoDecision, reason: NoResourceAllow, verdict: "AccessDenied",
			keyWhy: map[string]string{"Allow use of the key only through DynamoDB": "kms:ViaService is not in this request"}},
		{name: "grant", who: bob, identity: []Named{ddbFull}, key: consoleKey, grants: []Grant{grant},
			decision: Allow, reason: AllowedByGrant, verdict: "Allowed", finding: "Grant g-1 allows Decrypt."},
		{name: "grant for someone else", who: alice, identity: []Named{denyDecrypt}, key: consoleKey, grants: []Grant{grant},
			decision: Deny, reason: ExplicitDenyIdentity, verdict: "AccessDenied"},
		{name: "disabled key", who: alice, key: consoleKey, state: "Disabled",
			decision: Allow, reason: Allowed, verdict: "DisabledException",
			finding: "The key is Disabled: KMS refuses the request with DisabledException."},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Input{
				Request:  Request{PrincipalARN: c.who, Action: "kms:Decrypt", Resource: keyARN, Context: c.ctx},
				Identity: c.identity, Resource: c.key, KMS: true, Grants: c.grants, KeyState: c.state,
			}
			tr := Explain(in)
			out := Evaluate(in)
			if tr.Decision != out.Decision || tr.Reason != out.Reason {
				t.Fatalf("trace %v/%v, Evaluate %v/%v", tr.Decision, tr.Reason, out.Decision, out.Reason)
			}
			if tr.Decision != c.decision || tr.Reason != c.reason || tr.Verdict() != c.verdict {
				t.Fatalf("got %v/%v/%s, want %v/%v/%s", tr.Decision, tr.Reason, tr.Verdict(), c.decision, c.reason, c.verdict)
			}
			checkNarrative(t, tr)
			kp := tr.Policy(KindKeyPolicy)
			if kp == nil || tr.Policies[0].Kind != KindKeyPolicy {
				t.Fatalf("key policy not first in %+v", tr.Policies)
			}
			if got := len(tr.Policies); got != 1+len(c.identity) {
				t.Errorf("%d policies traced, want %d", got, 1+len(c.identity))
			}
			if len(kp.Statements) != len(c.key.Statement) {
				t.Errorf("%d key statements traced, want %d", len(kp.Statements), len(c.key.Statement))
			}
			for sid, want := range c.keyWhy {
				found := false
				for _, s := range kp.Statements {
					if s.Sid == sid {
						found = true
						if !strings.Contains(s.Why(), want) {
							t.Errorf("%q: why %q, want it to say %q", sid, s.Why(), want)
						}
					}
				}
				if !found {
					t.Errorf("no statement %q", sid)
				}
			}
			if c.finding != "" && !hasFinding(tr, c.finding) {
				t.Errorf("no step finds %q in %s", c.finding, dump(tr))
			}
			if len(tr.Grants) != len(c.grants) {
				t.Errorf("%d grants traced, want %d", len(tr.Grants), len(c.grants))
			}
			decisive := 0
			for _, s := range tr.Steps {
				if s.Decisive {
					decisive++
				}
			}
			if decisive != 1 {
				t.Errorf("%d decisive steps in %s", decisive, dump(tr))
			}
		})
	}
}

// TestTraceConditionValues checks that a condition reports what it compared.
func TestTraceConditionValues(t *testing.T) {
	viaKey := load(t, "resource/kms-via-service.json")
	tr := Explain(Input{
		Request:  Request{PrincipalARN: alice, Action: "kms:Decrypt", Resource: keyARN, Context: Context{"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}},
		Resource: viaKey, KMS: true,
	})
	st := tr.Policies[0].Statements[0]
	if !st.Principal.Match || !st.Action.Match || !st.Resource.Match || st.Applies {
		t.Fatalf("statement %+v", st)
	}
	if len(st.Conditions) != 1 {
		t.Fatalf("conditions %+v", st.Conditions)
	}
	c := st.Conditions[0]
	if c.Holds || c.Got[0] != "s3.us-east-1.amazonaws.com" || c.Want[0] != "dynamodb.us-east-1.amazonaws.com" {
		t.Errorf("condition %+v", c)
	}
	if want := "kms:ViaService is s3.us-east-1.amazonaws.com, StringEquals wants dynamodb.us-east-1.amazonaws.com"; c.Why != want {
		t.Errorf("why %q, want %q", c.Why, want)
	}
}

// TestTraceUnreadable lists documents the caller could not read.
func TestTraceUnreadable(t *testing.T) {
	tr := Explain(Input{
		Request:            Request{PrincipalARN: bob, Action: "kms:Decrypt", Resource: keyARN},
		Identity:           []Named{{Name: "Secret", Kind: KindManaged, Unreadable: "not allowed to call iam:GetPolicyVersion"}},
		ResourceUnreadable: "not allowed to call kms:GetKeyPolicy",
		KMS:                true,
	})
	got := tr.Unreadable()
	if len(got) != 2 || !strings.Contains(got[0], "kms:GetKeyPolicy") || !strings.Contains(got[1], "managed policy Secret") {
		t.Errorf("unreadable %q", got)
	}
	if !hasFinding(tr, "The key policy could not be read (not allowed to call kms:GetKeyPolicy).") {
		t.Errorf("steps %s", dump(tr))
	}
}

func hasFinding(tr *Trace, f string) bool {
	for _, s := range tr.Steps {
		if s.Finding == f {
			return true
		}
	}
	return false
}

func dump(tr *Trace) string {
	b, _ := json.MarshalIndent(tr, "", " ")
	return string(b)
}

// BenchmarkExplainDecrypt is the trace's cost, to compare with
// BenchmarkEvaluateDecrypt: only callers who ask pay it.
func BenchmarkExplainDecrypt(b *testing.B) {
	key := loadB(b, ParseResource, "resource/kms-console.json")
	ddb := Named{Name: "AmazonDynamoDBFullAccess", Doc: loadB(b, ParseIdentity, "identity/AmazonDynamoDBFullAccess.json")}
	in := Input{Request: Request{PrincipalARN: bob, Action: "kms:Decrypt", Resource: keyARN}, Identity: []Named{ddb}, Resource: key, KMS: true}
	b.ReportAllocs()
	for b.Loop() {
		if tr := Explain(in); tr.Decision != NoDecision {
			b.Fatal(tr.Decision)
		}
	}
}

// TestTraceTablePolicy: a DynamoDB action on a table whose resource-based
// policy names the caller is allowed by that statement alone (within one
// account), and the trace says so as its deciding step, not "none of the
// caller's IAM policies allows"; without the statement it is denied by
// default, and a Deny in the table policy wins over an IAM Allow.
func TestTraceTablePolicy(t *testing.T) {
	t.Parallel()
	const table = "arn:aws:dynamodb:us-east-1:111122223333:table/kmslab-x"
	tablePolicy := func(effect, action string) *Document {
		return mustParse(t, ParseResource, `{"Version":"2012-10-17","Statement":[{"Sid":"TableRead","Effect":"`+effect+
			`","Principal":{"AWS":"`+bob+`"},"Action":"`+action+`","Resource":"`+table+`"}]}`)
	}
	ddbFull := Named{Name: "AmazonDynamoDBFullAccess", Doc: load(t, "identity/AmazonDynamoDBFullAccess.json"), Kind: KindManaged}
	for _, c := range []struct {
		name     string
		identity []Named
		res      *Document
		decision Decision
		finding  string
	}{
		{"table policy names the user", nil, tablePolicy("Allow", "dynamodb:DescribeTable"), Allow,
			`Statement "TableRead" in the resource policy names the caller: it allows by itself.`},
		{"table policy lists another action", nil, tablePolicy("Allow", "dynamodb:Scan"), NoDecision,
			"None of the caller's IAM policies allows dynamodb:DescribeTable on this resource."},
		{"IAM allows, no table policy", []Named{ddbFull}, nil, Allow,
			"Allowed by statement 1 in the managed policy AmazonDynamoDBFullAccess."},
		{"table policy denies over IAM", []Named{ddbFull}, tablePolicy("Deny", "dynamodb:DescribeTable"), Deny,
			`Denied by "TableRead" in the resource policy. No allow can override it.`},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Request: Request{PrincipalARN: bob, Action: "dynamodb:DescribeTable", Resource: table},
				Identity: c.identity, Resource: c.res}
			tr := Explain(in)
			if out := Evaluate(in); tr.Decision != out.Decision || out.Decision != c.decision {
				t.Fatalf("trace %v, Evaluate %v, want %v", tr.Decision, out.Decision, c.decision)
			}
			checkNarrative(t, tr)
			found := false
			for _, s := range tr.Steps {
				if s.Decisive && strings.Contains(s.Finding, c.finding) {
					found = true
				}
			}
			if !found {
				t.Errorf("no deciding step finds %q in %s", c.finding, dump(tr))
			}
		})
	}
}
