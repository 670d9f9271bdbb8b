package steps

import (
	"context"
	"fmt"
	"maps"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
)

// Experiment is one what-if run after the parts: the change, what AWS
// decides then, and how to do it by hand. Expect holds the decisions AWS
// reaches, probe by probe; Predict names the probe the learner bets on. Do
// makes the change and the probes through awsops' building blocks; the
// runner (Run) restores the lab afterwards, whatever Do did.
type Experiment struct {
	Number  int    // its place in the lab's list, from 1 (Lab.NumberedExperiments)
	ID      string // stable, e.g. "iam-instead"
	Title   string
	Setup   string // what the experiment asks, in two or three sentences
	Change  string // what kmslab changes, in one line
	Predict string // the probe the learner predicts (one of the Probe* names)
	Expect  map[string]awsops.Decision
	// YourPolicy marks the experiment where the learner writes the key
	// policy: AWS's evaluation of it, not Expect, says what must happen.
	YourPolicy bool
	Why        string // why AWS decides so, shown with the result
	// CLI returns the AWS CLI commands doing the same, runnable as pasted
	// (with jq) in a shell where the admin is signed in.
	CLI func(ledger.Names, awsops.Identity) []string
	// Do makes the change and probes. policy is the learner's key policy
	// when YourPolicy is set.
	Do func(ctx context.Context, e *awsops.Experiment, policy string) error
	// Needs are the IAM actions Do and its restore call as the admin
	// (needs.go).
	Needs []string
}

// Probe names: each check an experiment makes after its change.
const (
	ProbeRead          = "read"             // Scan as the test user, once the change took effect
	ProbeWrite         = "write"            // PutItem as the test user
	ProbeDecrypt       = "decrypt"          // kms Decrypt called directly by the test user
	ProbeReadAtOnce    = "read-at-once"     // Scan as the test user right after the change
	ProbeReadAfter     = "read-after"       // Scan as the test user after the second change (revoke, enable)
	ProbeAdminRead     = "admin-read"       // Scan as the admin
	ProbeAdminDescribe = "admin-describe"   // DescribeTable as the admin
	ProbeAdminAfter    = "admin-read-after" // Scan as the admin after the second change
	ProbeDescribe      = "describe"         // DescribeTable as the test user
)

// The probes, as calls: who makes which call.
var (
	probeRead          = awsops.ProbeSpec{Name: ProbeRead, As: awsops.AsTestUser, Call: awsops.CallScan}
	probeWrite         = awsops.ProbeSpec{Name: ProbeWrite, As: awsops.AsTestUser, Call: awsops.CallPutItem}
	probeDecrypt       = awsops.ProbeSpec{Name: ProbeDecrypt, As: awsops.AsTestUser, Call: awsops.CallDecrypt}
	probeReadAtOnce    = awsops.ProbeSpec{Name: ProbeReadAtOnce, As: awsops.AsTestUser, Call: awsops.CallScan, AtOnce: true}
	probeReadAfter     = awsops.ProbeSpec{Name: ProbeReadAfter, As: awsops.AsTestUser, Call: awsops.CallScan}
	probeAdminRead     = awsops.ProbeSpec{Name: ProbeAdminRead, As: awsops.AsAdmin, Call: awsops.CallScan}
	probeAdminDescribe = awsops.ProbeSpec{Name: ProbeAdminDescribe, As: awsops.AsAdmin, Call: awsops.CallDescribeTable}
	probeAdminAfter    = awsops.ProbeSpec{Name: ProbeAdminAfter, As: awsops.AsAdmin, Call: awsops.CallScan}
	probeDescribe      = awsops.ProbeSpec{Name: ProbeDescribe, As: awsops.AsTestUser, Call: awsops.CallDescribeTable}
)

// predictWhat says which call a prediction is about.
var predictWhat = map[string]string{
	ProbeDecrypt:    "a direct kms decrypt by the test user",
	ProbeReadAtOnce: "the test user's read right after the change",
	ProbeAdminRead:  "the admin's read",
}

// PredictWhat says which call the learner's prediction is about.
func (x Experiment) PredictWhat() string {
	if s, ok := predictWhat[x.Predict]; ok {
		return s
	}
	return "the test user's read"
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
	trial, err := lab.RunExperiment(ctx, x.ID, want, func(ctx context.Context, e *awsops.Experiment) error {
		if x.Do == nil {
			return fmt.Errorf("experiment %s changes nothing", x.ID)
		}
		return x.Do(ctx, e, policy)
	})
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
	if x.YourPolicy && t.Trace != nil {
		// The learner's policy: AWS's evaluation decides what must happen.
		expect = map[string]awsops.Decision{ProbeRead: awsops.Expected(t.Trace)}
	}
	if len(t.Expected) > 0 {
		// Decisions the experiment worked out for this account replace the
		// declared ones.
		expect = maps.Clone(expect)
		maps.Copy(expect, t.Expected)
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
	return policydoc.WithStatement(keyPolicy, fmt.Sprintf(`{"Sid": "DenyTestUserDecrypt", "Effect": "Deny", `+
		`"Principal": {"AWS": %q}, "Action": "kms:Decrypt", "Resource": "*"}`, userARN))
}

const allow, deny = awsops.Allowed, awsops.Refused

// shell snippets shared by the CLI equivalents.
func cliPrelude(n ledger.Names, id awsops.Identity) []string {
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

func scanCmd(n ledger.Names) string {
	return "aws dynamodb scan --table-name " + n.Table
}

const decryptCmd = `aws kms encrypt --key-id "$KEY_ARN" --plaintext fileb://<(printf 'kmslab experiment') --query CiphertextBlob --output text | base64 -d > sample.bin   # as the admin
aws kms decrypt --ciphertext-blob fileb://sample.bin --query Plaintext --output text   # as the test user`

func iamPolicyCLI(n ledger.Names, id awsops.Identity, actions string) []string {
	partition, account := arnParts(id)
	pol := n.Prefix + "decrypt"
	arn := fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, account, pol)
	return []string{
		fmt.Sprintf(`aws iam create-policy --policy-name %s --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":%s,\"Resource\":\"$KEY_ARN\"}]}"`, pol, actions),
		fmt.Sprintf("aws iam attach-user-policy --user-name %s --policy-arn %s", n.User, arn),
	}
}

func iamPolicyRestore(n ledger.Names, id awsops.Identity) []string {
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
			ID: "iam-instead", Title: "IAM instead of the key policy",
			Needs: concat(needsExperiment, needsManagedPolicy),
			Setup: "Take the test user out of the key policy again, and give it kms:Decrypt on the key through " +
				"an IAM policy of your own instead. The key policy still has its first statement, which lets " +
				"the account's IAM policies speak for the key.",
			Change:  "key policy without the user; customer managed IAM policy allowing kms:Decrypt on the key ARN, attached to the user",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeRead: allow, ProbeDecrypt: allow},
			Why: "\"Enable IAM User Permissions\" names the account root: the key delegates to IAM, so an IAM " +
				"policy allowing kms:Decrypt on the key is enough.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				return iamInstead(ctx, e, []string{"kms:Decrypt"}, withoutUser)
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				c := append(cliPrelude(n, id), jqRemoveUser, putPolicy)
				c = append(c, iamPolicyCLI(n, id, `\"kms:Decrypt\"`)...)
				c = append(c, testUserNote, scanCmd(n))
				return append(c, iamPolicyRestore(n, id)...)
			},
		},
		{
			ID: "no-delegation", Title: "Without delegation",
			Needs: concat(needsExperiment, needsManagedPolicy),
			Setup: "The same IAM policy, but the key policy also loses its \"Enable IAM User Permissions\" statement. " +
				"The admin stays named as key administrator and user, so nobody is locked out.",
			Change:  "key policy without the user and without the root statement; the same IAM policy attached",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeRead: deny, ProbeDecrypt: deny},
			Why: "A KMS key trusts IAM only when its key policy says so. Without the root statement, IAM " +
				"policies count for nothing on this key: only principals the key policy names may use it.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if e.AdminIsRoot() {
					// The key policy names the admin, here the account root,
					// as key administrator and user: a key policy naming the
					// account root delegates to IAM for the whole account, so
					// dropping "Enable IAM User Permissions" takes nothing away
					// and the test user's IAM policy still allows.
					e.Expect(ProbeRead, allow)
					e.Expect(ProbeDecrypt, allow)
					e.Note("You run the lab as the account root, so the key policy names the account itself as key administrator and user: " +
						"that delegates to IAM just as \"Enable IAM User Permissions\" does, and the IAM policy still allows. Run the lab as an IAM user or role to see the deny.")
				}
				return iamInstead(ctx, e, []string{"kms:Decrypt"}, func(p, user string) (string, error) {
					p, err := withoutUser(p, user)
					if err != nil {
						return "", err
					}
					return policydoc.DropStatement(p, policydoc.SidRoot)
				})
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				c := append(cliPrelude(n, id),
					jqRemoveUser+` && jq '.Statement |= map(select(.Sid != "Enable IAM User Permissions"))' policy.json > policy2.json && mv policy2.json policy.json`,
					putPolicy)
				c = append(c, iamPolicyCLI(n, id, `\"kms:Decrypt\"`)...)
				c = append(c, testUserNote, scanCmd(n))
				return append(c, iamPolicyRestore(n, id)...)
			},
		},
		{
			ID: "scoped-iam", Title: "A scoped IAM grant",
			Needs: concat(needsExperiment, needsManagedPolicy, []string{"dynamodb:DeleteItem"}),
			Setup: "Instead of kms:* or the console's long list, the IAM policy allows only kms:Decrypt and " +
				"kms:GenerateDataKey on this key. Can the user read the table? Write to it?",
			Change:  "key policy without the user; IAM policy allowing kms:Decrypt and kms:GenerateDataKey on the key ARN",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeRead: allow, ProbeWrite: allow, ProbeDecrypt: allow},
			Why: "DynamoDB decrypts the table key as the caller for reads and writes alike: kms:Decrypt is what " +
				"the table needs from its users; GenerateDataKey covers the table key's own creation and rotation.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				return iamInstead(ctx, e, []string{"kms:Decrypt", "kms:GenerateDataKey"}, withoutUser, probeWrite)
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
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
			ID: "explicit-deny", Title: "An explicit deny",
			Needs: concat(needsExperiment, []string{"iam:PutUserPolicy", "iam:DeleteUserPolicy"}),
			Setup: "The key policy still names the test user. Now an inline IAM policy on the user denies " +
				"kms:Decrypt on every key.",
			Change:  "inline IAM policy on the user: Deny kms:Decrypt on *",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeRead: deny, ProbeDecrypt: deny},
			Why:     "An explicit Deny in any policy that applies wins over every Allow, the key policy's included.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				deny := policydoc.IdentityPolicy("Deny", []string{"kms:Decrypt"}, "*")
				if err := e.PutInlinePolicy(ctx, e.Names().Prefix+"deny-decrypt", deny); err != nil {
					return err
				}
				return traceAndProbe(ctx, e, probeRead, probeDecrypt)
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				return []string{
					fmt.Sprintf(`aws iam put-user-policy --user-name %s --policy-name %sdeny-decrypt --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}'`, n.User, n.Prefix),
					testUserNote, scanCmd(n),
					"# restore:",
					fmt.Sprintf("aws iam delete-user-policy --user-name %s --policy-name %sdeny-decrypt", n.User, n.Prefix),
				}
			},
		},
		{
			ID: "via-dynamodb", Title: "Only through DynamoDB",
			Needs: needsExperiment,
			Setup: "The key policy lets the test user decrypt only when DynamoDB asks on its behalf " +
				"(kms:ViaService). The table read goes through DynamoDB; a direct kms decrypt does not.",
			Change:  "key policy: the user moved to a statement with StringEquals kms:ViaService = dynamodb.<region>.amazonaws.com",
			Predict: ProbeDecrypt,
			Expect:  map[string]awsops.Decision{ProbeRead: allow, ProbeDecrypt: deny},
			// Teaching only: what this decrypt's decision was is its trace's
			// to say (it said "nothing else allows it" before).
			Why: "DynamoDB calls KMS with kms:ViaService set to its endpoint; a direct call has no such key, " +
				"so the condition fails for it.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.EditKeyPolicy(ctx, func(p string) (string, error) {
					p, err := withoutUser(p, e.UserARN())
					if err != nil {
						return "", err
					}
					return policydoc.WithStatement(p, policydoc.ConditionedUseStatement("Allow use through DynamoDB only",
						e.UserARN(), "StringEquals", policy.KeyViaService, e.ViaService("dynamodb")))
				}); err != nil {
					return err
				}
				return traceAndProbe(ctx, e, probeRead, probeDecrypt)
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				via := awsops.ViaService("dynamodb", id) // its domain is the caller's partition's
				if id.Region == "" {
					via = "dynamodb.<region>.amazonaws.com"
				}
				c := append(cliPrelude(n, id),
					jqRemoveUser+fmt.Sprintf(` && jq --arg u "$USER_ARN" '.Statement += [{"Sid":"Allow use through DynamoDB only","Effect":"Allow","Principal":{"AWS":[$u]},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"%s"}}}]' policy.json > policy2.json && mv policy2.json policy.json`, via),
					putPolicy, testUserNote, scanCmd(n), decryptCmd, "# restore:", restorePolicy)
				return c
			},
		},
		{
			ID: "grant", Title: "A grant",
			Needs: concat(needsExperiment, []string{"kms:CreateGrant", "kms:RevokeGrant", "kms:Decrypt"}),
			Setup: "The key policy no longer names the test user; instead the admin creates a grant that lets " +
				"the user Decrypt. Then the grant is revoked.",
			Change:  "key policy without the user; CreateGrant (Decrypt) for the user, then RevokeGrant",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeRead: allow, ProbeDecrypt: allow, ProbeReadAfter: deny},
			Why: "A grant is a second way to allow use of a key, without editing any policy; revoking it " +
				"takes that away (once DynamoDB's cached table key expires).",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.EditKeyPolicy(ctx, func(p string) (string, error) { return withoutUser(p, e.UserARN()) }); err != nil {
					return err
				}
				id, err := e.CreateGrant(ctx, e.Names().Prefix+"grant")
				if err != nil {
					return err
				}
				e.Trace(ctx)
				e.Note("IAM's policy simulator does not consider grants; the local trace does.")
				e.Probe(ctx, probeRead)
				e.Probe(ctx, probeDecrypt)
				if err := e.RevokeGrant(ctx, id); err != nil {
					return err
				}
				e.Probe(ctx, probeReadAfter)
				return nil
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
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
			ID: "disable-key", Title: "Disable the key",
			Needs: concat(needsExperiment, []string{"kms:DisableKey", "kms:EnableKey", "dynamodb:DescribeTable", "kms:Decrypt"}),
			Setup: "The admin disables the key. Can even the admin read the table? Does DescribeTable still " +
				"answer? Then the key is enabled again.",
			Change:  "DisableKey, then EnableKey",
			Predict: ProbeAdminRead,
			Expect: map[string]awsops.Decision{ProbeAdminRead: deny, ProbeAdminDescribe: allow,
				ProbeRead: deny, ProbeAdminAfter: allow},
			Why: "A disabled key decrypts nothing, for anyone: the data is unreadable although every policy " +
				"still allows. The table's metadata is not encrypted with the key, so it can still be described.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.SetKeyEnabled(ctx, false); err != nil {
					return err
				}
				e.Trace(ctx)
				// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
				e.Note("On AWS, DynamoDB keeps serving from its cached table key for up to 5 minutes; after that reads and writes fail, " +
					"the table becomes inaccessible (INACCESSIBLE_ENCRYPTION_CREDENTIALS), and if the key stays unusable for 7 days DynamoDB archives the table.")
				e.Note("The offline AWS refuses reads once its cache expires and keeps describing the table; it does not archive it.")
				e.Probe(ctx, probeAdminRead)
				e.Probe(ctx, probeAdminDescribe)
				e.Probe(ctx, probeRead)
				if err := e.SetKeyEnabled(ctx, true); err != nil {
					return err
				}
				e.Probe(ctx, probeAdminAfter)
				return nil
			},
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
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
			ID: "cached-key", Title: "Revocation is not instant",
			Needs: needsExperiment,
			Setup: "The test user reads the table, then is taken out of the key policy, and reads again at " +
				"once. DynamoDB keeps the table key it decrypted for a caller until they stop reading for a while.",
			Change:  "key policy without the user; read at once, then after five minutes without reading",
			Predict: ProbeReadAtOnce,
			Expect: map[string]awsops.Decision{ProbeReadAtOnce: allow, ProbeRead: deny,
				ProbeDecrypt: deny},
			// AWS's words (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS", Table key
			// caching): "DynamoDB caches the plaintext table keys for each connection in memory. If
			// DynamoDB gets a request for the cached table key after five minutes of inactivity, it
			// sends a new request to AWS KMS to decrypt the table key." The offline AWS keeps one per
			// caller (sim/dynamodb/key_cache.go says why), so a new connection is said apart.
			Why: "DynamoDB caches the plaintext table key in memory and asks KMS again only for a request " +
				"after five minutes of inactivity: a revoked user who keeps reading can keep the key, and is " +
				"refused on the first read after a five-minute pause. AWS keeps the key per connection, so on " +
				"AWS a read on a new connection may be refused sooner. A direct kms decrypt is refused at once.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				// Start from a table key cached just now, so that "at once" is within its life.
				if err := e.WaitOutCache(ctx, awsops.AsTestUser); err != nil {
					return err
				}
				e.Probe(ctx, awsops.ProbeSpec{As: awsops.AsTestUser, Call: awsops.CallScan})
				if err := e.EditKeyPolicy(ctx, func(p string) (string, error) { return withoutUser(p, e.UserARN()) }); err != nil {
					return err
				}
				e.Trace(ctx)
				e.Probe(ctx, probeReadAtOnce)
				e.Probe(ctx, probeRead)
				e.Probe(ctx, probeDecrypt)
				return nil
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				return append(cliPrelude(n, id), testUserNote, scanCmd(n), "# as the admin:", jqRemoveUser, putPolicy,
					testUserNote, scanCmd(n), "sleep 330", scanCmd(n), "# restore:", restorePolicy)
			},
		},
		{
			ID: "own-policy", Title: "Your own policy",
			Needs: needsExperiment,
			Setup: "Edit the key policy yourself. kmslab checks it before applying it, runs the test user's " +
				"read, and shows what changed and why AWS decided as it did.",
			Change:     "the key policy as you wrote it",
			Predict:    ProbeRead,
			YourPolicy: true,
			Why:        "The trace shows which statements decided.",
			Do: func(ctx context.Context, e *awsops.Experiment, policy string) error {
				if err := e.ReplaceKeyPolicy(ctx, policy); err != nil {
					return err
				}
				// The learner's policy has no expected decision: AWS's evaluation is
				// the yardstick. The trace is of the read through DynamoDB; a direct
				// decrypt lacks kms:ViaService, so only the read has one.
				if x := e.Trace(ctx); x != nil {
					e.Expect(ProbeRead, awsops.Expected(x))
				}
				e.Probe(ctx, probeRead)
				e.Probe(ctx, probeDecrypt)
				return nil
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				return append(cliPrelude(n, id), "cp policy-part6.json policy.json && ${VISUAL:-${EDITOR:-vi}} policy.json",
					putPolicy, testUserNote, scanCmd(n), "# restore:", restorePolicy)
			},
		},
		{
			ID: "table-policy", Title: "A table policy lets the user in",
			Setup: "The test user loses AmazonDynamoDBFullAccess and its place in the key policy. Instead, the " +
				"table gets a resource-based policy naming the user for DescribeTable and Scan. Can the user " +
				"describe the table? Read its items?",
			Change: "AmazonDynamoDBFullAccess detached; key policy without the user; table policy allowing the user " +
				"dynamodb:DescribeTable and dynamodb:Scan on the table ARN",
			Predict: ProbeRead,
			Expect:  map[string]awsops.Decision{ProbeDescribe: allow, ProbeRead: deny},
			// Teaching, no decision: resource-based policies for DynamoDB,
			// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html
			// (within one account a table policy's Allow suffices), and the
			// table key decided by KMS as the caller,
			// https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
			Why: "A table policy is a third kind of policy: it speaks for the table, so DynamoDB's own actions " +
				"need nothing more. The items are encrypted under the KMS key, and KMS asks its own policies, " +
				"as it does for every read.",
			Needs: concat(needsExperiment, needsTablePolicy),
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.EditKeyPolicy(ctx, func(p string) (string, error) { return withoutUser(p, e.UserARN()) }); err != nil {
					return err
				}
				if err := e.DetachDynamoDBAccess(ctx); err != nil {
					return err
				}
				if err := e.PutTablePolicy(ctx, policydoc.TablePolicy(tablePolicySid, e.UserARN(), e.TableARN(), tablePolicyActions)); err != nil {
					return err
				}
				return traceAndProbe(ctx, e, probeDescribe, probeRead)
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				partition, _ := arnParts(id)
				full := "arn:" + partition + ":iam::aws:policy/AmazonDynamoDBFullAccess"
				c := append(cliPrelude(n, id), jqRemoveUser, putPolicy,
					fmt.Sprintf("aws iam detach-user-policy --user-name %s --policy-arn %s", n.User, full),
					// A table policy is attached to the table's ARN, never its
					// name; put-resource-policy is in the AWS CLI releases of
					// 2024 on (DynamoDB's resource-based policies are from March
					// 2024), so older ones answer "invalid choice".
					"# table policies need an AWS CLI from 2024 or later",
					fmt.Sprintf("TABLE_ARN=$(aws dynamodb describe-table --table-name %s --query Table.TableArn --output text)", n.Table),
					`aws dynamodb put-resource-policy --resource-arn "$TABLE_ARN" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"`+tablePolicySid+
						`\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"$USER_ARN\"},\"Action\":[\"dynamodb:DescribeTable\",\"dynamodb:Scan\"],\"Resource\":\"$TABLE_ARN\"}]}"`,
					testUserNote,
					fmt.Sprintf("aws dynamodb describe-table --table-name %s --query Table.TableStatus", n.Table),
					scanCmd(n),
					"# restore:",
					`aws dynamodb delete-resource-policy --resource-arn "$TABLE_ARN"`,
					fmt.Sprintf("aws iam attach-user-policy --user-name %s --policy-arn %s", n.User, full),
					restorePolicy)
				return c
			},
		},
	}
}

// The table policy of "A table policy lets the user in": DynamoDB's own
// read actions for the test user, nothing of KMS (a table policy cannot
// speak for the key).
const tablePolicySid = "LetTheTestUserIn"

var tablePolicyActions = []string{"dynamodb:DescribeTable", "dynamodb:Scan"}

// withoutUser takes the test user out of the key policy's "Allow use of the
// key" statement: the end of part 6 undone, everything else kept.
func withoutUser(p, user string) (string, error) { return policydoc.RemoveKeyUser(p, user) }

// iamInstead edits the key policy, then attaches a customer managed policy
// allowing actions on the key, traces and probes: the IAM way in.
func iamInstead(ctx context.Context, e *awsops.Experiment, actions []string, edit func(p, user string) (string, error), extra ...awsops.ProbeSpec) error {
	if err := e.EditKeyPolicy(ctx, func(p string) (string, error) { return edit(p, e.UserARN()) }); err != nil {
		return err
	}
	if err := e.AttachPolicy(ctx, e.Names().Prefix+"decrypt", policydoc.IdentityPolicy("Allow", actions, e.KeyARN())); err != nil {
		return err
	}
	return traceAndProbe(ctx, e, append(append([]awsops.ProbeSpec{probeRead}, extra...), probeDecrypt)...)
}

// traceAndProbe records the trace of the read as the change left it, then
// makes the probes in order.
func traceAndProbe(ctx context.Context, e *awsops.Experiment, probes ...awsops.ProbeSpec) error {
	e.Trace(ctx)
	for _, p := range probes {
		e.Probe(ctx, p)
	}
	return nil
}
