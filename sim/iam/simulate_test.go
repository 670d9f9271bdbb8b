package iam

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const (
	keyARN  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	userARN = "arn:aws:iam::111122223333:user/"
)

// keyPolicy is a console-style key policy: the account delegates to IAM, the
// admin administers, the named users may use the key (through DynamoDB only
// when via is set).
func keyPolicy(users []string, via bool) string {
	cond := ""
	if via {
		cond = `,"Condition":{"StringEquals":{"kms:ViaService":"dynamodb.us-east-1.amazonaws.com"}}`
	}
	principals := `"` + strings.Join(users, `","`) + `"`
	return `{
  "Version": "2012-10-17",
  "Id": "key-consolepolicy-3",
  "Statement": [
    {
      "Sid": "Enable IAM User Permissions",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "Allow use of the key",
      "Effect": "Allow",
      "Principal": {"AWS": [` + principals + `]},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      "Resource": "*"` + cond + `
    }
  ]
}`
}

type simCase struct {
	name     string
	kv       []string
	decision []string // per EvaluationResult, in order
	matched  [][]statementXML
	missing  [][]string
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	f := newFixture(t, Options{})
	f.userPrincipal("ddb-user", "AmazonDynamoDBFullAccess")
	f.userPrincipal("denied", "AmazonDynamoDBFullAccess")
	f.ok("PutUserPolicy", "UserName", "denied", "PolicyName", "NoScan", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:Scan","Resource":"*"}]}`)

	managed := func(line, col, endLine, endCol int) statementXML {
		return statementXML{SourcePolicyID: "AmazonDynamoDBFullAccess", SourcePolicyType: "aws-managed",
			StartPosition: &positionXML{line, col}, EndPosition: &positionXML{endLine, endCol}}
	}
	ddbStmt := managed(4, 9, 67, 10) // the first statement of the indented managed document
	resourceStmt := func(line, endLine int) statementXML {
		return statementXML{SourcePolicyID: "ResourcePolicy", SourcePolicyType: "resource",
			StartPosition: &positionXML{line, 5}, EndPosition: &positionXML{endLine, 6}}
	}
	rootStmt, useStmt := resourceStmt(5, 11), resourceStmt(12, 18)
	useStmtVia := resourceStmt(12, 18)

	tests := []simCase{
		{
			name:     "identity only, every resource",
			kv:       []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "dynamodb:Scan", "ActionNames.member.2", "kms:Decrypt"},
			decision: []string{"allowed", "implicitDeny"},
			matched:  [][]statementXML{{ddbStmt}, {}},
		},
		{
			name: "key policy does not name the user: no Decrypt, DescribeKey through IAM",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "kms:Decrypt", "ActionNames.member.2", "kms:DescribeKey",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "lab-admin"}, false)},
			decision: []string{"implicitDeny", "allowed"},
			matched:  [][]statementXML{{}, {ddbStmt, rootStmt}},
		},
		{
			name: "key policy names the user: Decrypt allowed by the key policy alone",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "kms:Decrypt",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "lab-admin", userARN + "ddb-user"}, false)},
			decision: []string{"allowed"},
			matched:  [][]statementXML{{useStmt}},
		},
		{
			name: "ViaService condition without context: denied and reported missing",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "kms:Decrypt",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "ddb-user"}, true)},
			decision: []string{"implicitDeny"},
			matched:  [][]statementXML{{}},
			missing:  [][]string{{"kms:ViaService"}},
		},
		{
			name: "ViaService condition with context: allowed",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "kms:Decrypt",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "ddb-user"}, true),
				"ContextEntries.member.1.ContextKeyName", "kms:ViaService",
				"ContextEntries.member.1.ContextKeyValues.member.1", "dynamodb.us-east-1.amazonaws.com",
				"ContextEntries.member.1.ContextKeyType", "string"},
			decision: []string{"allowed"},
			matched:  [][]statementXML{{useStmtVia}},
			missing:  [][]string{{}},
		},
		{
			name: "a non-KMS action on a key ARN needs no key policy",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "dynamodb:Scan",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "lab-admin"}, false)},
			decision: []string{"allowed"},
			matched:  [][]statementXML{{ddbStmt}},
		},
		{
			name:     "explicit deny lists only the deny",
			kv:       []string{"PolicySourceArn", userARN + "denied", "ActionNames.member.1", "dynamodb:Scan"},
			decision: []string{"explicitDeny"},
			matched: [][]statementXML{{{SourcePolicyID: "NoScan", SourcePolicyType: "user",
				StartPosition: &positionXML{1, 38}, EndPosition: &positionXML{1, 95}}}},
		},
		{
			name: "CallerArn is who the resource policy sees",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "CallerArn", userARN + "lab-admin", "ActionNames.member.1", "kms:Decrypt",
				"ResourceArns.member.1", keyARN, "ResourcePolicy", keyPolicy([]string{userARN + "lab-admin"}, false)},
			decision: []string{"allowed"},
			matched:  [][]statementXML{{useStmt}},
		},
		{
			name: "PolicyInputList adds policies",
			kv: []string{"PolicySourceArn", userARN + "ddb-user", "ActionNames.member.1", "s3:GetObject",
				"PolicyInputList.member.1", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`},
			decision: []string{"allowed"},
			matched: [][]statementXML{{{SourcePolicyID: "PolicyInputList.1", SourcePolicyType: "none",
				StartPosition: &positionXML{1, 37}, EndPosition: &positionXML{1, 86}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			out := f.ok("SimulatePrincipalPolicy", tt.kv...).(simulateResult)
			res := out.EvaluationResults.Member
			if len(res) != len(tt.decision) {
				t.Fatalf("%d results, want %d: %+v", len(res), len(tt.decision), res)
			}
			for i, r := range res {
				if r.EvalDecision != tt.decision[i] {
					t.Errorf("result %d (%s): %s, want %s", i, r.EvalActionName, r.EvalDecision, tt.decision[i])
				}
				matched, missing := r.MatchedStatements.Member, r.MissingContextValues.Member
				if r.ResourceSpecificResults != nil {
					rs := r.ResourceSpecificResults.Member
					if len(rs) != 1 || rs[0].EvalResourceName != r.EvalResourceName || rs[0].EvalResourceDecision != r.EvalDecision {
						t.Fatalf("ResourceSpecificResults = %+v", rs)
					}
					missing = rs[0].MissingContextValues.Member
				} else if r.EvalResourceName != "*" {
					t.Errorf("EvalResourceName = %q without ResourceArns", r.EvalResourceName)
				}
				if tt.matched != nil && !reflect.DeepEqual(matched, tt.matched[i]) {
					t.Errorf("result %d matched:\n got %s\nwant %s", i, showStatements(matched), showStatements(tt.matched[i]))
				}
				if tt.missing != nil && !reflect.DeepEqual(missing, tt.missing[i]) {
					t.Errorf("result %d missing = %q, want %q", i, missing, tt.missing[i])
				}
			}
		})
	}
	f.t = t

	f.fails("SimulatePrincipalPolicy", "NoSuchEntity", 404, "The user with name ghost cannot be found.",
		"PolicySourceArn", userARN+"ghost", "ActionNames.member.1", "s3:GetObject")
	f.fails("SimulatePrincipalPolicy", "NoSuchEntity", 404, "The role with name r cannot be found.",
		"PolicySourceArn", "arn:aws:iam::111122223333:role/r", "ActionNames.member.1", "s3:GetObject")
	f.fails("SimulatePrincipalPolicy", "InvalidInput", 400, "ARN definitely-not-an-arn is not valid.",
		"PolicySourceArn", "definitely-not-an-arn", "ActionNames.member.1", "s3:GetObject")
	f.fails("SimulatePrincipalPolicy", "InvalidInput", 400, "ResourcePolicy: Missing required field Principal",
		"PolicySourceArn", userARN+"ddb-user", "ActionNames.member.1", "s3:GetObject",
		"ResourcePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)

	// Paging over results.
	kv := []string{"PolicySourceArn", userARN + "ddb-user", "MaxItems", "2"}
	for i, a := range []string{"dynamodb:Scan", "dynamodb:Query", "kms:Decrypt"} {
		kv = append(kv, "ActionNames.member."+string(rune('1'+i)), a)
	}
	p1 := f.ok("SimulatePrincipalPolicy", kv...).(simulateResult)
	p2 := f.ok("SimulatePrincipalPolicy", append(kv, "Marker", p1.Marker)...).(simulateResult)
	if !p1.IsTruncated || len(p1.EvaluationResults.Member) != 2 || p2.IsTruncated || len(p2.EvaluationResults.Member) != 1 ||
		p2.EvaluationResults.Member[0].EvalActionName != "kms:Decrypt" {
		t.Errorf("paging: %+v then %+v", p1, p2)
	}
}

func showStatements(sts []statementXML) string {
	var b strings.Builder
	for _, s := range sts {
		fmt.Fprintf(&b, "%s/%s", s.SourcePolicyID, s.SourcePolicyType)
		if s.StartPosition != nil && s.EndPosition != nil {
			fmt.Fprintf(&b, " %v-%v", *s.StartPosition, *s.EndPosition)
		}
		b.WriteString("; ")
	}
	return b.String()
}

func TestStatementSpans(t *testing.T) {
	text := "{\"Version\":\"2012-10-17\",\n \"Statement\": [\n  {\"Effect\":\"Allow\"},\n  {\"Effect\":\"Deny\",\"Action\":[\"a:b\"]}\n ]}"
	got := statementSpans(text)
	want := []span{{positionXML{3, 3}, positionXML{3, 21}}, {positionXML{4, 3}, positionXML{4, 37}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("spans = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "[", "{\"Statement\":", "{\"Statement\":[{]}", "{\"Statement\":3}"} {
		if got := statementSpans(bad); got != nil {
			t.Errorf("statementSpans(%q) = %v, want nil", bad, got)
		}
	}
}

func TestWildcard(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"kms:*", "kms:decrypt", true}, {"kms:?ecrypt", "kms:decrypt", true},
		{"kms:Re*", "kms:Decrypt", false}, {"a*b*c", "aXXbYYc", true}, {"a*b*c", "aXXbYY", false}, {"", "", true}, {"", "a", false},
		{"*" + strings.Repeat("a*", 20) + "b", strings.Repeat("a", 60), false},
	}
	for _, tt := range tests {
		if got := wildcard(tt.p, tt.s); got != tt.want {
			t.Errorf("wildcard(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
}
