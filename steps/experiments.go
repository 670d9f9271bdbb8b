package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
)

// Experiment is one what-if run after part 6: the change, what AWS decides
// then, and how to do it by hand. Expect holds the decisions AWS reaches,
// probe by probe; Predict names the probe the learner bets on.
type Experiment struct {
	Number  int
	ID      string // one of the awsops.Exp* ids
	Title   string
	Setup   string // what the experiment asks, in two or three sentences
	Change  string // what kmslab changes, in one line
	Predict string // the probe the learner predicts (awsops.Probe*)
	Expect  map[string]awsops.Decision
	Why     string // why AWS decides so, shown with the result
	// CLI returns the AWS CLI commands doing the same, runnable as pasted
	// (with jq) in a shell where the admin is signed in.
	CLI func(awsops.Names, awsops.Identity) []string
}

// ExperimentOutcome is what running an experiment found and how it compares
// with what AWS does.
type ExperimentOutcome struct {
	Trial awsops.Trial
	Err   error
	// Problems lists where the run did not behave as AWS would (a decision
	// other than the expected one, a state not restored); empty when it did.
	Problems []string
}

// Actual is the decision of the probe the learner predicted ("" if not made).
func (o ExperimentOutcome) Actual(x Experiment) awsops.Decision {
	p, ok := o.Trial.Probe(x.Predict)
	if !ok {
		return ""
	}
	return p.Decision
}

// Run makes the experiment's change through awsops, probes, restores and
// judges the result. policy is the learner's key policy for own-policy.
func (x Experiment) Run(ctx context.Context, lab *awsops.Lab, policy string) (out ExperimentOutcome) {
	defer func() {
		if r := recover(); r != nil {
			out.Err = fmt.Errorf("internal error: %v", r)
			out.Problems = append(out.Problems, out.Err.Error())
		}
	}()
	want := map[string]awsops.Decision{}
	for k, v := range x.Expect {
		want[k] = v
	}
	trial, err := lab.RunExperiment(ctx, awsops.Spec{ID: x.ID, Want: want, Policy: policy})
	out = ExperimentOutcome{Trial: trial, Err: err}
	out.Problems = x.judge(trial, err)
	return out
}

// judge lists how a trial differs from what AWS does.
func (x Experiment) judge(t awsops.Trial, err error) []string {
	var out []string
	if err != nil {
		out = append(out, err.Error())
	}
	expect := x.Expect
	if x.ID == awsops.ExpOwnPolicy && t.Trace != nil {
		// The learner's policy: AWS's evaluation decides what must happen.
		expect = map[string]awsops.Decision{awsops.ProbeRead: t.Trace.Expected()}
	}
	for _, name := range sortedKeys(expect) {
		p, ok := t.Probe(name)
		switch {
		case !ok:
			if err == nil {
				out = append(out, fmt.Sprintf("%s: not run", name))
			}
		case p.Decision != expect[name]:
			out = append(out, fmt.Sprintf("%s: %s, AWS would have %s it", p.Call, p.Decision, verb(expect[name])))
		}
	}
	if err == nil && !t.Restored {
		out = append(out, "the end-of-part-6 state was not restored: "+t.Mismatch)
	}
	return out
}

func verb(d awsops.Decision) string {
	if d == awsops.Allowed {
		return "allowed"
	}
	return "denied"
}

func sortedKeys(m map[string]awsops.Decision) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// ExperimentByID finds an experiment.
func ExperimentByID(id string) (Experiment, bool) {
	for _, x := range Experiments() {
		if x.ID == id {
			return x, true
		}
	}
	return Experiment{}, false
}

// SampleOwnPolicy is the edit a headless run applies for "your own policy":
// the end-of-part-6 key policy plus a statement denying the test user
// kms:Decrypt.
func SampleOwnPolicy(keyPolicy, userARN string) (string, error) {
	return awsops.WithStatement(keyPolicy, fmt.Sprintf(`{"Sid": "DenyTestUserDecrypt", "Effect": "Deny", `+
		`"Principal": {"AWS": %q}, "Action": "kms:Decrypt", "Resource": "*"}`, userARN))
}

const allow, deny = awsops.Allowed, awsops.Refused

// shell snippets shared by the CLI equivalents.
func cliPrelude(n awsops.Names, id awsops.Identity) []string {
	partition, account := arnParts(id)
	return []string{
		fmt.Sprintf("KEY_ARN=$(aws kms describe-key --key-id %s --query KeyMetadata.Arn --output text)", n.Alias),
		fmt.Sprintf("USER_ARN=arn:%s:iam::%s:user/%s", partition, account, n.User),
		"aws kms get-key-policy --key-id \"$KEY_ARN\" --policy-name default --query Policy --output text > policy-part6.json",
	}
}

const jqRemoveUser = `jq --arg u "$USER_ARN" '.Statement |= map(if .Sid == "Allow use of the key" then .Principal.AWS |= map(select(. != $u)) else . end | select(.Principal.AWS != []))' policy-part6.json > policy.json`

const putPolicy = `aws kms put-key-policy --key-id "$KEY_ARN" --policy-name default --policy file://policy.json`

const restorePolicy = `aws kms put-key-policy --key-id "$KEY_ARN" --policy-name default --policy file://policy-part6.json`

const testUserNote = "# as the test user (its access key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY):"

func scanCmd(n awsops.Names) string {
	return "aws dynamodb scan --table-name " + n.Table
}

const decryptCmd = `aws kms encrypt --key-id "$KEY_ARN" --plaintext fileb://<(printf 'kmslab experiment') --query CiphertextBlob --output text | base64 -d > sample.bin   # as the admin
aws kms decrypt --ciphertext-blob fileb://sample.bin --query Plaintext --output text   # as the test user`

func iamPolicyCLI(n awsops.Names, id awsops.Identity, actions string) []string {
	partition, account := arnParts(id)
	pol := n.Prefix + "decrypt"
	arn := fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, account, pol)
	return []string{
		fmt.Sprintf(`aws iam create-policy --policy-name %s --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":%s,\"Resource\":\"$KEY_ARN\"}]}"`, pol, actions),
		fmt.Sprintf("aws iam attach-user-policy --user-name %s --policy-arn %s", n.User, arn),
	}
}

func iamPolicyRestore(n awsops.Names, id awsops.Identity) []string {
	partition, account := arnParts(id)
	arn := fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, account, n.Prefix+"decrypt")
	return []string{
		"# restore:",
		fmt.Sprintf("aws iam detach-user-policy --user-name %s --policy-arn %s", n.User, arn),
		fmt.Sprintf("aws iam delete-policy --policy-arn %s", arn),
		restorePolicy,
	}
}

// Experiments returns the what-ifs, in the order they are offered.
func Experiments() []Experiment {
	return []Experiment{
		{
			Number: 1, ID: awsops.ExpIAMInstead, Title: "IAM instead of the key policy",
			Setup: "Take the test user out of the key policy again, and give it kms:Decrypt on the key through " +
				"an IAM policy of your own instead. The key policy still has its first statement, which lets " +
				"the account's IAM policies speak for the key.",
			Change:  "key policy without the user; customer managed IAM policy allowing kms:Decrypt on the key ARN, attached to the user",
			Predict: awsops.ProbeRead,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: allow, awsops.ProbeDecrypt: allow},
			Why: "\"Enable IAM User Permissions\" names the account root: the key delegates to IAM, so an IAM " +
				"policy allowing kms:Decrypt on the key is enough.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				c := append(cliPrelude(n, id), jqRemoveUser, putPolicy)
				c = append(c, iamPolicyCLI(n, id, `\"kms:Decrypt\"`)...)
				c = append(c, testUserNote, scanCmd(n))
				return append(c, iamPolicyRestore(n, id)...)
			},
		},
		{
			Number: 2, ID: awsops.ExpNoDelegation, Title: "Without delegation",
			Setup: "The same IAM policy, but the key policy also loses its \"Enable IAM User Permissions\" statement. " +
				"The admin stays named as key administrator and user, so nobody is locked out.",
			Change:  "key policy without the user and without the root statement; the same IAM policy attached",
			Predict: awsops.ProbeRead,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: deny, awsops.ProbeDecrypt: deny},
			Why: "A KMS key trusts IAM only when its key policy says so. Without the root statement, IAM " +
				"policies count for nothing on this key: only principals the key policy names may use it.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				c := append(cliPrelude(n, id),
					jqRemoveUser+` && jq '.Statement |= map(select(.Sid != "Enable IAM User Permissions"))' policy.json > policy2.json && mv policy2.json policy.json`,
					putPolicy)
				c = append(c, iamPolicyCLI(n, id, `\"kms:Decrypt\"`)...)
				c = append(c, testUserNote, scanCmd(n))
				return append(c, iamPolicyRestore(n, id)...)
			},
		},
		{
			Number: 3, ID: awsops.ExpScopedIAM, Title: "A scoped IAM grant",
			Setup: "Instead of kms:* or the console's long list, the IAM policy allows only kms:Decrypt and " +
				"kms:GenerateDataKey on this key. Can the user read the table? Write to it?",
			Change:  "key policy without the user; IAM policy allowing kms:Decrypt and kms:GenerateDataKey on the key ARN",
			Predict: awsops.ProbeRead,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: allow, awsops.ProbeWrite: allow, awsops.ProbeDecrypt: allow},
			Why: "DynamoDB decrypts the table key as the caller for reads and writes alike: kms:Decrypt is what " +
				"the table needs from its users; GenerateDataKey covers the table key's own creation and rotation.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				c := append(cliPrelude(n, id), jqRemoveUser, putPolicy)
				c = append(c, iamPolicyCLI(n, id, `[\"kms:Decrypt\",\"kms:GenerateDataKey\"]`)...)
				c = append(c, testUserNote, scanCmd(n),
					fmt.Sprintf(`aws dynamodb put-item --table-name %s --item '{"id":{"S":"written-by-test-user"}}'`, n.Table),
					"# restore (as the admin):",
					fmt.Sprintf(`aws dynamodb delete-item --table-name %s --key '{"id":{"S":"written-by-test-user"}}'`, n.Table))
				return append(c, iamPolicyRestore(n, id)...)
			},
		},
		{
			Number: 4, ID: awsops.ExpExplicitDeny, Title: "An explicit deny",
			Setup: "The key policy still names the test user. Now an inline IAM policy on the user denies " +
				"kms:Decrypt on every key.",
			Change:  "inline IAM policy on the user: Deny kms:Decrypt on *",
			Predict: awsops.ProbeRead,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: deny, awsops.ProbeDecrypt: deny},
			Why:     "An explicit Deny in any policy that applies wins over every Allow, the key policy's included.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				return []string{
					fmt.Sprintf(`aws iam put-user-policy --user-name %s --policy-name %sdeny-decrypt --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}'`, n.User, n.Prefix),
					testUserNote, scanCmd(n),
					"# restore:",
					fmt.Sprintf("aws iam delete-user-policy --user-name %s --policy-name %sdeny-decrypt", n.User, n.Prefix),
				}
			},
		},
		{
			Number: 5, ID: awsops.ExpViaDynamoDB, Title: "Only through DynamoDB",
			Setup: "The key policy lets the test user decrypt only when DynamoDB asks on its behalf " +
				"(kms:ViaService). The table read goes through DynamoDB; a direct kms decrypt does not.",
			Change:  "key policy: the user moved to a statement with StringEquals kms:ViaService = dynamodb.<region>.amazonaws.com",
			Predict: awsops.ProbeDecrypt,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: allow, awsops.ProbeDecrypt: deny},
			Why: "DynamoDB calls KMS with kms:ViaService set to its endpoint; a direct call has no such key, " +
				"so the condition fails and nothing else allows it.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				region := id.Region
				if region == "" {
					region = "<region>"
				}
				c := append(cliPrelude(n, id),
					jqRemoveUser+fmt.Sprintf(` && jq --arg u "$USER_ARN" '.Statement += [{"Sid":"Allow use through DynamoDB only","Effect":"Allow","Principal":{"AWS":[$u]},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"dynamodb.%s.amazonaws.com"}}}]' policy.json > policy2.json && mv policy2.json policy.json`, region),
					putPolicy, testUserNote, scanCmd(n), decryptCmd, "# restore:", restorePolicy)
				return c
			},
		},
		{
			Number: 6, ID: awsops.ExpGrant, Title: "A grant",
			Setup: "The key policy no longer names the test user; instead the admin creates a grant that lets " +
				"the user Decrypt. Then the grant is revoked.",
			Change:  "key policy without the user; CreateGrant (Decrypt) for the user, then RevokeGrant",
			Predict: awsops.ProbeRead,
			Expect:  map[string]awsops.Decision{awsops.ProbeRead: allow, awsops.ProbeDecrypt: allow, awsops.ProbeReadAfter: deny},
			Why: "A grant is a second way to allow use of a key, without editing any policy; revoking it " +
				"takes that away (once DynamoDB's cached table key expires).",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				return append(cliPrelude(n, id), jqRemoveUser, putPolicy,
					fmt.Sprintf(`GRANT_ID=$(aws kms create-grant --key-id "$KEY_ARN" --grantee-principal "$USER_ARN" --operations Decrypt --name %sgrant --query GrantId --output text)`, n.Prefix),
					testUserNote, scanCmd(n),
					"# as the admin:",
					`aws kms revoke-grant --key-id "$KEY_ARN" --grant-id "$GRANT_ID"`,
					testUserNote+" (after 5 minutes)", scanCmd(n),
					"# restore:", restorePolicy)
			},
		},
		{
			Number: 7, ID: awsops.ExpDisableKey, Title: "Disable the key",
			Setup: "The admin disables the key. Can even the admin read the table? Does DescribeTable still " +
				"answer? Then the key is enabled again.",
			Change:  "DisableKey, then EnableKey",
			Predict: awsops.ProbeAdminRead,
			Expect: map[string]awsops.Decision{awsops.ProbeAdminRead: deny, awsops.ProbeAdminDescribe: allow,
				awsops.ProbeRead: deny, awsops.ProbeAdminAfter: allow},
			Why: "A disabled key decrypts nothing, for anyone: the data is unreadable although every policy " +
				"still allows. The table's metadata is not encrypted with the key, so it can still be described.",
			CLI: func(n awsops.Names, _ awsops.Identity) []string {
				return []string{
					fmt.Sprintf("aws kms disable-key --key-id $(aws kms describe-key --key-id %s --query KeyMetadata.KeyId --output text)", n.Alias),
					"sleep 330   # DynamoDB's cached table key expires after 5 minutes",
					scanCmd(n),
					fmt.Sprintf("aws dynamodb describe-table --table-name %s --query Table.TableStatus", n.Table),
					fmt.Sprintf("aws kms enable-key --key-id $(aws kms describe-key --key-id %s --query KeyMetadata.KeyId --output text)", n.Alias),
					scanCmd(n),
				}
			},
		},
		{
			Number: 8, ID: awsops.ExpCachedKey, Title: "Revocation is not instant",
			Setup: "The test user reads the table, then is taken out of the key policy, and reads again at " +
				"once. DynamoDB keeps the table key it decrypted for a caller for a while.",
			Change:  "key policy without the user; read at once, then after DynamoDB's cache expires",
			Predict: awsops.ProbeReadAtOnce,
			Expect: map[string]awsops.Decision{awsops.ProbeReadAtOnce: allow, awsops.ProbeRead: deny,
				awsops.ProbeDecrypt: deny},
			Why: "DynamoDB caches the plaintext table key per caller (5 minutes on AWS) and asks KMS again only " +
				"when it expires: a revoked user keeps reading until then. A direct kms decrypt is refused at once.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				return append(cliPrelude(n, id), testUserNote, scanCmd(n), "# as the admin:", jqRemoveUser, putPolicy,
					testUserNote, scanCmd(n), "sleep 330", scanCmd(n), "# restore:", restorePolicy)
			},
		},
		{
			Number: 9, ID: awsops.ExpOwnPolicy, Title: "Your own policy",
			Setup: "Edit the key policy yourself. kmslab checks it before applying it, runs the test user's " +
				"read, and shows what changed and why AWS decided as it did.",
			Change:  "the key policy as you wrote it",
			Predict: awsops.ProbeRead,
			Why:     "The trace shows which statements decided.",
			CLI: func(n awsops.Names, id awsops.Identity) []string {
				return append(cliPrelude(n, id), "cp policy-part6.json policy.json && ${VISUAL:-${EDITOR:-vi}} policy.json",
					putPolicy, testUserNote, scanCmd(n), "# restore:", restorePolicy)
			},
		},
	}
}
