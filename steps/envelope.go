package steps

import (
	"context"
	"fmt"
	"strings"

	"kmslab/awsops"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

// The envelope lab's fixed values: the envelope kmslab stores, the one the
// CLI commands store (a different format, so they never overwrite each
// other), the encryption context both are bound to, and another tenant's.
const (
	envelopeID    = "envelope-1"
	envelopeCLIID = "envelope-cli"
	ctxKey        = "tenant"
	ctxValue      = "acme"
	ctxOther      = "globex"
	envSecret     = "The vault opens with 4-8-15-16"
	scopedSid     = "AllowTenantAcmeOnly"
	cliCipher     = "AES-256-CBC+HMAC-SHA256"
)

// envContext is the encryption context part 2 binds the data key to.
func envContext() map[string]string { return map[string]string{ctxKey: ctxValue} }

// otherContext is another tenant's context: the wrong one for envelope-1.
func otherContext() map[string]string { return map[string]string{ctxKey: ctxOther} }

// Envelope is the "Envelope encryption by hand" lab: what DynamoDB does
// under the hood with a table key, done step by step with a data key.
func Envelope() Lab {
	steps := []Step{envKey(), envDataKey(), envSeal(), envRead(), envDenied(), envScoped(), envRotate(), envCleanup()}
	for i := range steps {
		steps[i].Run = recovered(steps[i].Run)
	}
	return Lab{
		ID:          "envelope",
		Title:       "Envelope encryption by hand",
		Tagline:     "What DynamoDB does under the hood: a data key, an encryption context, a scoped grant and a rotation.",
		Intro:       envelopeIntro,
		Must:        "the test user refused the data key in part 5, allowed for tenant acme only after part 6, old envelopes readable after the rotation, everything cleaned up",
		Resources:   envelopeResources,
		Steps:       steps,
		Experiments: EnvelopeExperiments(),
		Remember:    envelopeRemember,
		Next:        "The first lab lets DynamoDB do all of this for you, and shows who may read an encrypted table: `kmslab --lab kms`.",
		NextID:      "kms",
	}
}

const envelopeIntro = `**Envelope encryption by hand**: what DynamoDB does under the hood with a table key, one call at a time.

You will ask KMS for a **data key**, encrypt a secret with it yourself, outside KMS, and store the ciphertext beside
the *encrypted* data key: an envelope. Reading it means asking KMS to decrypt the data key, which is where the
key policy, the **encryption context** and the key's state decide. A user with DynamoDB access reads the
envelope but not the secret, until a grant scoped to one tenant lets it in; then the key rotates.

Every screen shows a live result, the AWS CLI command that does the same, and why it behaves as it does.`

// envelopeResources are what the envelope lab creates, priced as AWS lists
// them (https://aws.amazon.com/kms/pricing/: each rotation adds $1/month,
// for the first two; https://aws.amazon.com/dynamodb/pricing/on-demand/).
func envelopeResources(n ledger.Names) []Resource {
	return []Resource{
		{"KMS key + alias", n.Alias, "$1/month, prorated hourly, while the key exists, plus $1/month for part 7's rotation: cents for this lab. " +
			"Cleanup schedules its deletion after 7 days, the minimum AWS allows."},
		{"DynamoDB table", n.Table, "On-demand, default encryption (an AWS owned key, free); a few requests: well under $0.01."},
		{"IAM user + access key", n.User, "Free. AmazonDynamoDBFullAccess only: no KMS permission."},
		{"KMS requests", "about 40", "Free tier covers 20,000 a month; then $0.03 per 10,000."},
	}
}

func envKey() Step {
	s := part1()
	s.ID = "env-create-key"
	s.Explain = text("envelope1_key")
	s.Run = func(ctx context.Context, lab *awsops.Lab) Outcome {
		key, err := lab.CreateKey(ctx)
		if err != nil {
			return failed(err)
		}
		return Outcome{
			Status: Done,
			Result: KeyCreated{Key: key},
			Summary: fmt.Sprintf("Key %s (%s) is %s: it will encrypt data keys, never the secret itself.",
				key.ID, key.Alias, key.State),
		}
	}
	return s
}

// cliContext is the encryption context as the CLI's shorthand takes it.
func cliContext(c map[string]string) string { return awsops.ContextString(c) }

// Shell variables the envelope commands set.
const (
	varDataKey      = "DATA_KEY"
	varEncryptedKey = "ENCRYPTED_KEY"
)

func envDataKey() Step {
	return Step{
		Needs:   []string{"kms:GenerateDataKey"},
		Part:    2,
		ID:      "env-data-key",
		Title:   "Generate a data key bound to an encryption context",
		Short:   "Get data key",
		Explain: text("envelope2_data_key"),
		CLI: func(n ledger.Names, _ awsops.Identity) []string {
			return []string{
				"# 64 bytes: openssl enc has no AES-GCM, so the commands use AES-256-CBC with the first 32 and HMAC-SHA256 with the last 32",
				fmt.Sprintf("read -r %s %s <<< \"$(aws kms generate-data-key --key-id %s --number-of-bytes 64 \\\n"+
					"  --encryption-context %s --query '[Plaintext,CiphertextBlob]' --output text)\"",
					varDataKey, varEncryptedKey, n.Alias, cliContext(envContext())),
				fmt.Sprintf("echo \"encrypted data key (store it): ${%s:0:32}...\"", varEncryptedKey),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			dk, fingerprint, err := lab.NewDataKey(ctx, envContext())
			if err != nil {
				return failed(err)
			}
			return Outcome{
				Status: Done,
				Result: Note{Pairs: [][2]string{
					{"KMS key", dk.KeyARN},
					{"Context", cliContext(dk.Context)},
					{"Data key", fingerprint + " (masked; in memory only, thrown away after part 3)"},
					{"Encrypted key", fmt.Sprintf("%d bytes: stored with the data", len(dk.Encrypted))},
				}},
				Summary: fmt.Sprintf("KMS returned a 256-bit data key twice: in the clear (used once, then thrown away) and encrypted under the key, bound to %s.",
					cliContext(dk.Context)),
			}
		},
	}
}

func envSeal() Step {
	return Step{
		Needs:   []string{"dynamodb:CreateTable", "dynamodb:TagResource", "dynamodb:DescribeTable", "dynamodb:PutItem"},
		Part:    3,
		ID:      "env-seal",
		Title:   "Encrypt a secret locally and store the envelope",
		Short:   "Seal & store",
		Explain: text("envelope3_seal"),
		CLI: func(n ledger.Names, _ awsops.Identity) []string {
			return []string{
				fmt.Sprintf("aws dynamodb create-table --table-name %s --attribute-definitions AttributeName=id,AttributeType=S \\\n"+
					"  --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST --tags Key=%s,Value=%s",
					n.Table, ledger.TagKey, n.RunID),
				fmt.Sprintf("aws dynamodb wait table-exists --table-name %s", n.Table),
				fmt.Sprintf("KEY_HEX=$(base64 -d <<< \"$%s\" | od -An -tx1 -v | tr -d ' \\n')", varDataKey),
				"IV_HEX=$(openssl rand -hex 16)",
				fmt.Sprintf("printf '%%s' '%s' | openssl enc -aes-256-cbc -K \"${KEY_HEX:0:64}\" -iv \"$IV_HEX\" -out secret.enc", envSecret),
				"CT=$(base64 < secret.enc | tr -d '\\n')",
				"MAC=$(printf '%s' \"$IV_HEX$CT\" | openssl dgst -sha256 -mac HMAC -macopt hexkey:\"${KEY_HEX:64}\" -r | cut -d' ' -f1)",
				fmt.Sprintf("unset %s KEY_HEX   # the plaintext data key is thrown away", varDataKey),
				fmt.Sprintf("aws dynamodb put-item --table-name %s --item \"{\\\"id\\\":{\\\"S\\\":\\\"%s\\\"},\\\"alg\\\":{\\\"S\\\":\\\"%s\\\"},"+
					"\\\"context\\\":{\\\"S\\\":\\\"%s\\\"},\\\"encrypted_key\\\":{\\\"S\\\":\\\"$%s\\\"},\\\"iv\\\":{\\\"S\\\":\\\"$IV_HEX\\\"},"+
					"\\\"ciphertext\\\":{\\\"S\\\":\\\"$CT\\\"},\\\"mac\\\":{\\\"S\\\":\\\"$MAC\\\"}}\"",
					n.Table, envelopeCLIID, cliCipher, cliContext(envContext()), varEncryptedKey),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			t, err := lab.CreatePlainTable(ctx)
			if err != nil {
				return failed(err)
			}
			env, err := lab.SealSecret(ctx, envelopeID, []byte(envSecret))
			if err != nil {
				return failed(err)
			}
			pairs := append([][2]string{{"Table", t.Name + " (default encryption: an AWS owned key, not yours)"}}, awsops.EnvelopeSummary(env)...)
			pairs = append(pairs, [2]string{"Data key", "thrown away"})
			return Outcome{
				Status:  Done,
				Result:  Note{Pairs: pairs},
				Summary: fmt.Sprintf("Stored %s in %s: %d bytes of %s ciphertext beside the %d-byte encrypted data key; the plaintext key is gone.", env.ID, t.Name, len(env.Ciphertext), awsops.LocalCipher, len(env.EncryptedKey)),
			}
		},
	}
}

// getCLIEnvelope fetches the CLI's envelope into data-key.enc and shell
// variables, in one call, as the commands of parts 4 to 7 need it; as
// wraps the call (asTestUser).
func getCLIEnvelope(n ledger.Names, as func(string) string) []string {
	return []string{
		"read -r ENCRYPTED_KEY IV_HEX CT MAC <<< \"$(" + as(fmt.Sprintf("aws dynamodb get-item --table-name %s --key '{\"id\":{\"S\":\"%s\"}}' --consistent-read \\\n"+
			"  --query 'Item.[encrypted_key.S,iv.S,ciphertext.S,mac.S]' --output text", n.Table, envelopeCLIID)) + ")\"",
		"base64 -d <<< \"$ENCRYPTED_KEY\" > data-key.enc",
	}
}

// openCLIEnvelope decrypts the data key with ctx as the caller as wraps,
// checks the MAC and decrypts the secret.
func openCLIEnvelope(as func(string) string, ctx map[string]string) []string {
	return []string{
		"KEY_HEX=$(" + as("aws kms decrypt --ciphertext-blob fileb://data-key.enc --encryption-context "+cliContext(ctx)+" --query Plaintext --output text") +
			" | base64 -d | od -An -tx1 -v | tr -d ' \\n')",
		"if [ \"$(printf '%s' \"$IV_HEX$CT\" | openssl dgst -sha256 -mac HMAC -macopt hexkey:\"${KEY_HEX:64}\" -r | cut -d' ' -f1)\" = \"$MAC\" ]; then\n" +
			"  base64 -d <<< \"$CT\" | openssl enc -d -aes-256-cbc -K \"${KEY_HEX:0:64}\" -iv \"$IV_HEX\"; echo\n" +
			"else echo 'no secret: the data key did not decrypt, or the envelope was tampered with'; fi",
		"unset KEY_HEX",
	}
}

func asAdmin(cmd string) string { return cmd }

func envRead() Step {
	return Step{
		Needs:   []string{"dynamodb:GetItem", "kms:Decrypt"},
		Part:    4,
		ID:      "env-read",
		Title:   "Read it back: decrypt the data key, then the secret",
		Short:   "Read it back",
		Explain: text("envelope4_read"),
		CLI: func(n ledger.Names, _ awsops.Identity) []string {
			return append(getCLIEnvelope(n, asAdmin), openCLIEnvelope(asAdmin, envContext())...)
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			env, err := lab.GetEnvelope(ctx, envelopeID, awsops.AsAdmin)
			if err != nil {
				return failed(err)
			}
			o, err := lab.OpenEnvelope(ctx, env, env.Context, awsops.AsAdmin)
			if err != nil {
				return failed(err)
			}
			if o.Decision != awsops.Allowed {
				return failed(fmt.Errorf("KMS refused to decrypt the data key (%s): %s", o.Code, o.Reason))
			}
			return Outcome{
				Status: Done,
				Result: Note{Pairs: [][2]string{
					{"Decrypt", "allowed, with encryption context " + cliContext(env.Context)},
					{"Decrypted by", o.KeyARN + " (named inside the encrypted data key: Decrypt needs no key id)"},
					{"Secret", o.Secret},
				}},
				Summary: "KMS decrypted the data key (the ciphertext names its key), and the data key decrypted the secret here: " + o.Secret,
			}
		},
	}
}

func envDenied() Step {
	return Step{
		Needs:   concat(needsUser, needsExplain),
		Part:    5,
		ID:      "env-denied",
		Title:   "As a test user with DynamoDB access only",
		Short:   "Read as user",
		Explain: text("envelope5_denied"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			cmds := part4().CLI(n, id)
			cmds = append(cmds, "# the envelope is readable: DynamoDB access is all it takes")
			cmds = append(cmds, getCLIEnvelope(n, asTestUser)...)
			cmds = append(cmds, "# the data key is not: AccessDeniedException on kms:Decrypt")
			return append(cmds, openCLIEnvelope(asTestUser, envContext())...)
		},
		Run: runEnvDenied,
		Check: func(o Outcome) string {
			if o.Status != DeniedAsExpected {
				return fmt.Sprintf("part 5: the test user was not denied kms:Decrypt of the data key (status %s)", o.Status)
			}
			return ""
		},
	}
}

func runEnvDenied(ctx context.Context, lab *awsops.Lab) Outcome {
	if _, err := lab.CreateTestUser(ctx); err != nil {
		return failed(err)
	}
	env, err := lab.GetEnvelope(ctx, envelopeID, awsops.AsTestUser)
	if err != nil {
		return failed(fmt.Errorf("the test user could not even read the envelope: %w", err))
	}
	o, err := lab.OpenEnvelope(ctx, env, envContext(), awsops.AsTestUser)
	if err != nil {
		return failed(err)
	}
	if o.Decision == awsops.Allowed {
		return failed(fmt.Errorf("the test user decrypted the data key: the key policy already lets it, so there is no denial to show"))
	}
	if o.Denied == nil || o.Denied.Action != "kms:Decrypt" {
		return failed(fmt.Errorf("the test user was refused with %s, not an access denial on kms:Decrypt: %s", o.Code, o.Reason))
	}
	res := ReadDenied{Denied: *o.Denied, FixedBy: "part 6"}
	out := Outcome{Status: DeniedAsExpected,
		Summary: fmt.Sprintf("%s read the envelope (%d-byte encrypted data key) but was refused %s on its data key.", lab.Names().User, len(env.EncryptedKey), o.Denied.Action)}
	if ex, err := lab.ExplainDecrypt(ctx, envContext()); err == nil {
		res.Explanation = &ex
		if ex.Summary != "" {
			// Why it was refused is the trace's to say (policy.Narrate).
			out.Summary += " " + ex.Summary
		}
	} else {
		out.Summary += " (No policy simulation: " + err.Error() + ")"
	}
	out.Result = res
	return out
}

// scopedPolicy is the key policy of part 6 as the commands write it: the
// console's default, plus the statement scoped to tenant acme.
func scopedPolicy(partition, account, me, user string) string {
	p, err := policydoc.WithStatement(policydoc.ConsolePolicy(partition, account, me), policydoc.ScopedDecryptStatement(scopedSid, user, ctxKey, ctxValue))
	if err != nil {
		return policydoc.ConsolePolicy(partition, account, me)
	}
	return p
}

func envScoped() Step {
	return Step{
		Needs:   concat(needsExplain, []string{"dynamodb:GetItem", "kms:PutKeyPolicy", "kms:Decrypt"}),
		Part:    6,
		ID:      "env-scoped-grant",
		Title:   "Grant Decrypt for one tenant's encryption context",
		Short:   "Scoped grant",
		Explain: text("envelope6_scoped"),
		CLI: func(n ledger.Names, id awsops.Identity) []string {
			setup, partition, account, me := who(id)
			return append(setup,
				keyIDByAlias(n),
				"# key-policy.json: the default policy, plus kms:Decrypt and kms:GenerateDataKey for the test user, only with tenant=acme",
				writeFile("key-policy.json", scopedPolicy(partition, account, me, userARN(partition, account, n))),
				fmt.Sprintf("aws kms put-key-policy --key-id \"$%s\" --policy-name default --policy file://key-policy.json", varKeyID),
				"sleep 10   # a key policy change takes a few seconds to apply everywhere",
				"# tenant acme: allowed",
				strings.Join(openCLIEnvelope(asTestUser, envContext()), "\n"),
				"# tenant globex as the test user: AccessDeniedException (the policy's condition fails before any cryptography)",
				asTestUser("aws kms decrypt --ciphertext-blob fileb://data-key.enc --encryption-context "+cliContext(otherContext())+" --query KeyId --output text")+" || true",
				"# tenant globex as you, who may decrypt anything: InvalidCiphertextException (the context is part of the ciphertext)",
				"aws kms decrypt --ciphertext-blob fileb://data-key.enc --encryption-context "+cliContext(otherContext())+" --query KeyId --output text || true",
			)
		},
		Run: runEnvScoped,
		Check: func(o Outcome) string {
			if why := mustBeDone("part 6", o); why != "" {
				return why
			}
			g, ok := o.Result.(ScopedAccess)
			if !ok || g.Right.Decision != awsops.Allowed || g.WrongAsUser.Code != "AccessDeniedException" || g.WrongAsAdmin.Code != "InvalidCiphertextException" {
				return "part 6: the scoped grant did not allow tenant acme only, or the wrong context was not refused as AWS refuses it"
			}
			return ""
		},
	}
}

// ScopedAccess is the envelope lab's part 6: the key policy edit, the test
// user's read with the right context, and the two refusals of the wrong one.
type ScopedAccess struct {
	Change       policydoc.Change
	Right        awsops.Opened // the test user, tenant acme
	WrongAsUser  awsops.Opened // the test user, tenant globex: the policy refuses
	WrongAsAdmin awsops.Opened // the admin, tenant globex: the cryptography refuses
	// Explanation traces the test user's refused request with the wrong context.
	Explanation *explain.Explanation
}

func (ScopedAccess) isResult() {}

// Facts shows part 6 as labelled values where no view of its own exists.
func (s ScopedAccess) Facts() [][2]string {
	show := func(o awsops.Opened) string {
		if o.Decision == awsops.Allowed {
			return "allowed: " + o.Secret
		}
		return "refused: " + o.Code + ", " + o.Reason
	}
	return [][2]string{
		{"Key policy", fmt.Sprintf("+ statement %s: kms:Decrypt, kms:GenerateDataKey if kms:EncryptionContext:%s = %s", scopedSid, ctxKey, ctxValue)},
		{"User, " + s.Right.Context[ctxKey], show(s.Right)},
		{"User, " + s.WrongAsUser.Context[ctxKey], show(s.WrongAsUser)},
		{"You, " + s.WrongAsAdmin.Context[ctxKey], show(s.WrongAsAdmin)},
	}
}

func runEnvScoped(ctx context.Context, lab *awsops.Lab) Outcome {
	user := lab.Names().User
	env, err := lab.GetEnvelope(ctx, envelopeID, awsops.AsAdmin)
	if err != nil {
		return failed(err)
	}
	arn, err := lab.TestUserARN()
	if err != nil {
		return failed(err)
	}
	change, err := lab.AddKeyPolicyStatement(ctx, policydoc.ScopedDecryptStatement(scopedSid, arn, ctxKey, ctxValue))
	if err != nil {
		return failed(err)
	}
	res := ScopedAccess{Change: change}
	if res.Right, err = lab.WaitToOpen(ctx, env, envContext()); err != nil {
		return failed(err)
	}
	if res.WrongAsUser, err = lab.OpenEnvelope(ctx, env, otherContext(), awsops.AsTestUser); err != nil {
		return failed(err)
	}
	if res.WrongAsAdmin, err = lab.OpenEnvelope(ctx, env, otherContext(), awsops.AsAdmin); err != nil {
		return failed(err)
	}
	out := Outcome{Status: Done, Result: res,
		Summary: fmt.Sprintf("%s decrypts tenant acme's data key now; with tenant globex the policy refuses it (AccessDenied) and, for you, the ciphertext does (InvalidCiphertext).", user)}
	if ex, err := lab.ExplainDecrypt(ctx, otherContext()); err == nil {
		res.Explanation = &ex
		out.Result = res
	}
	return out
}

func envRotate() Step {
	return Step{
		Needs:   []string{"dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt", "kms:GenerateDataKey", "kms:ListKeyRotations", "kms:RotateKeyOnDemand"},
		Part:    7,
		ID:      "env-rotate",
		Title:   "Rotate the key: old envelopes still open",
		Short:   "Rotate key",
		Explain: text("envelope7_rotate"),
		CLI: func(n ledger.Names, _ awsops.Identity) []string {
			return []string{
				keyIDByAlias(n),
				fmt.Sprintf("aws kms rotate-key-on-demand --key-id \"$%s\"", varKeyID),
				fmt.Sprintf("aws kms list-key-rotations --key-id \"$%s\"", varKeyID),
				"# rotate-key-on-demand and list-key-rotations (2024) need a recent AWS CLI",
				"# the envelope stored before the rotation still opens: KMS keeps every key material",
				strings.Join(openCLIEnvelope(asAdmin, envContext()), "\n"),
				"# a new data key is encrypted under the new material; the key id does not change",
				fmt.Sprintf("aws kms generate-data-key --key-id %s --key-spec AES_256 --encryption-context %s --query KeyId --output text",
					n.Alias, cliContext(envContext())),
			}
		},
		Run: func(ctx context.Context, lab *awsops.Lab) Outcome {
			env, err := lab.GetEnvelope(ctx, envelopeID, awsops.AsAdmin)
			if err != nil {
				return failed(err)
			}
			rots, err := lab.RotateKey(ctx)
			if err != nil {
				return failed(err)
			}
			old, err := lab.OpenEnvelope(ctx, env, envContext(), awsops.AsAdmin)
			if err != nil {
				return failed(err)
			}
			if old.Decision != awsops.Allowed {
				return failed(fmt.Errorf("the envelope sealed before the rotation no longer opens (%s): %s", old.Code, old.Reason))
			}
			dk, _, err := lab.NewDataKey(ctx, envContext())
			if err != nil {
				return failed(err)
			}
			newer, err := lab.SealSecret(ctx, "envelope-2", []byte(envSecret))
			if err != nil {
				return failed(err)
			}
			last := rots[len(rots)-1]
			return Outcome{
				Status: Done,
				Result: Note{Pairs: [][2]string{
					{"Rotations", fmt.Sprintf("%d (the last %s, %s)", len(rots), last.Type, last.Date.UTC().Format("2006-01-02 15:04Z"))},
					{"envelope-1", "sealed before: opens: " + old.Secret},
					{"envelope-2", fmt.Sprintf("sealed after, with a new data key under %s: same key id, new material", dk.KeyARN)},
					{"Stored", newer.ID},
				}},
				Summary: fmt.Sprintf("The key has new material (%d rotation); envelope-1, sealed before, still opens, and envelope-2's data key is under the new material.", len(rots)),
			}
		},
	}
}

func envCleanup() Step {
	s := cleanup()
	s.Part = 8
	s.CLI = func(n ledger.Names, id awsops.Identity) []string {
		return append(cleanup().CLI(n, id), "rm -f secret.enc data-key.enc key-policy.json")
	}
	return s
}

const envelopeRemember = `- **Envelope encryption**: KMS never sees your data. It gives you a data key twice, in plaintext to encrypt with and encrypted under the KMS key to store; you keep only the encrypted one beside the ciphertext.
- Reading needs ` + "`kms:Decrypt`" + ` on the KMS key: whoever can read the stored envelope but not decrypt its data key holds only ciphertext.
- The **encryption context** is bound to the ciphertext: decrypting with another context fails, and a key policy can grant use for one context only (` + "`kms:EncryptionContext:`" + `).
- Rotating the key changes the material for new data keys; old envelopes still decrypt, because each ciphertext names the material that sealed it.`
