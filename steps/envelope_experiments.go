package steps

import (
	"context"
	"fmt"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

// Probe names of the envelope lab's experiments: calls to KMS made directly
// on envelope-1's data key, with an encryption context.
const (
	ProbeUserOpen       = "user-decrypt"        // the test user decrypts the data key
	ProbeAdminOpen      = "admin-decrypt"       // the admin decrypts the data key
	ProbeAdminOpenAfter = "admin-decrypt-after" // the admin again, after the second change
	ProbeAdminCancelled = "admin-decrypt-cancelled"
	ProbeGenerate       = "generate-no-plaintext" // the test user's GenerateDataKeyWithoutPlaintext
	ProbeReEncrypt      = "reencrypt"             // the admin's ReEncrypt to a second key
	ProbeUserReEncrypt  = "user-reencrypt"        // the test user's ReEncrypt to that key
)

// probeOpen makes one envelope probe on envelope-1.
func probeOpen(ctx context.Context, e *awsops.Experiment, name string, as awsops.Principal, call awsops.EnvelopeCall, encCtx map[string]string) error {
	env, err := e.Envelope(ctx, envelopeID)
	if err != nil {
		return err
	}
	e.ProbeEnvelope(ctx, awsops.EnvelopeProbe{Name: name, As: as, Call: call, Envelope: env, Context: encCtx})
	return nil
}

// envCLIPrelude fetches envelope-1's data key into data-key.enc and the
// key's id into KEY_ID, for the experiments' commands.
func envCLIPrelude(n ledger.Names) []string {
	return []string{
		keyIDByAlias(n),
		fmt.Sprintf("aws dynamodb get-item --table-name %s --key '{\"id\":{\"S\":\"%s\"}}' --consistent-read --query Item.encrypted_key.S --output text | base64 -d > data-key.enc",
			n.Table, envelopeCLIID),
	}
}

func decryptCLI(encCtx map[string]string) string {
	c := "aws kms decrypt --ciphertext-blob fileb://data-key.enc --query KeyId --output text"
	if len(encCtx) > 0 {
		c = "aws kms decrypt --ciphertext-blob fileb://data-key.enc --encryption-context " + cliContext(encCtx) + " --query KeyId --output text"
	}
	return c
}

// writerStatement lets the test user create data keys for tenant globex
// without ever seeing them.
func writerStatement(user string) string {
	return fmt.Sprintf(`{"Sid": "WriterGlobex", "Effect": "Allow", "Principal": {"AWS": %q}, `+
		`"Action": "kms:GenerateDataKeyWithoutPlaintext", "Resource": "*", `+
		`"Condition": {"StringEquals": {"kms:EncryptionContext:%s": %q}}}`, user, ctxKey, ctxOther)
}

// EnvelopeExperiments are the envelope lab's what-ifs, in the order offered.
func EnvelopeExperiments() []Experiment {
	return []Experiment{
		{
			ID: "env-no-context", Title: "Decrypt without the encryption context",
			Needs: concat(needsExperiment, []string{"dynamodb:GetItem", "kms:Decrypt"}),
			Setup: "Ask KMS to decrypt envelope-1's data key with no encryption context at all: first as the test user, " +
				"whose grant requires tenant=acme, then as you, whom the key policy allows everything.",
			Change:  "nothing: the same Decrypt, without --encryption-context",
			Predict: ProbeUserOpen,
			Expect:  map[string]awsops.Decision{ProbeUserOpen: deny, ProbeAdminOpen: deny},
			Why: "The test user is refused by the policy (AccessDeniedException): its condition on kms:EncryptionContext:tenant " +
				"has no value to match. You pass the policy, and the cryptography refuses (InvalidCiphertextException): " +
				"the context is authenticated data of the ciphertext, so only the exact context opens it.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := probeOpen(ctx, e, ProbeUserOpen, awsops.AsTestUser, awsops.CallOpenEnvelope, nil); err != nil {
					return err
				}
				return probeOpen(ctx, e, ProbeAdminOpen, awsops.AsAdmin, awsops.CallOpenEnvelope, nil)
			},
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
				return append(envCLIPrelude(n),
					"# as the test user: AccessDeniedException",
					asTestUser(decryptCLI(nil))+" || true",
					"# as you: InvalidCiphertextException",
					decryptCLI(nil)+" || true")
			},
		},
		{
			ID: "env-writer", Title: "A writer who must not read",
			Needs: concat(needsExperiment, []string{"dynamodb:GetItem", "kms:Decrypt"}),
			Setup: "Let the test user call GenerateDataKeyWithoutPlaintext for tenant globex, and nothing else for globex. " +
				"It gets encrypted data keys to hand on; can it decrypt one?",
			Change:  "key policy + statement WriterGlobex: kms:GenerateDataKeyWithoutPlaintext if tenant=globex",
			Predict: ProbeUserOpen,
			Expect:  map[string]awsops.Decision{ProbeGenerate: allow, ProbeUserOpen: deny},
			Why: "GenerateDataKeyWithoutPlaintext returns only the encrypted data key: whoever holds it needs kms:Decrypt to use it, " +
				"and nothing grants the test user Decrypt for globex. (A writer that must encrypt but never read calls " +
				"GenerateDataKey, which returns the plaintext once, and has no kms:Decrypt.)",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.AddKeyPolicyStatement(ctx, writerStatement(e.UserARN())); err != nil {
					return err
				}
				if err := probeOpen(ctx, e, ProbeGenerate, awsops.AsTestUser, awsops.CallGenerateWithoutPlaintext, otherContext()); err != nil {
					return err
				}
				return probeOpen(ctx, e, ProbeUserOpen, awsops.AsTestUser, awsops.CallOpenEnvelope, otherContext())
			},
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				setup, partition, account, _ := who(id)
				c := append(setup, envCLIPrelude(n)...)
				c = append(c,
					fmt.Sprintf("aws kms get-key-policy --key-id \"$%s\" --policy-name default --query Policy --output text > policy-part6.json", varKeyID),
					fmt.Sprintf("jq --arg u \"%s\" --argjson s '%s' '.Statement += [$s | .Principal.AWS = $u]' policy-part6.json > policy.json",
						userARN(partition, account, n), writerStatement("")),
					fmt.Sprintf("aws kms put-key-policy --key-id \"$%s\" --policy-name default --policy file://policy.json", varKeyID),
					"# as the test user: an encrypted data key, and no Plaintext in the answer",
					asTestUser(fmt.Sprintf("aws kms generate-data-key-without-plaintext --key-id \"$%s\" --key-spec AES_256 --encryption-context %s --query CiphertextBlob --output text", varKeyID, cliContext(otherContext())))+" | base64 -d > writer-key.enc",
					"# ...which it cannot decrypt: AccessDeniedException",
					asTestUser("aws kms decrypt --ciphertext-blob fileb://writer-key.enc --encryption-context "+cliContext(otherContext())+" --query KeyId --output text")+" || true",
					"# restore:",
					fmt.Sprintf("aws kms put-key-policy --key-id \"$%s\" --policy-name default --policy file://policy-part6.json", varKeyID),
				)
				return c
			},
		},
		{
			ID: "env-reencrypt", Title: "ReEncrypt to another key",
			Needs: concat(needsExperiment, []string{"dynamodb:GetItem", "kms:Decrypt", "kms:CreateKey", "kms:TagResource", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:ListResourceTags", "kms:ScheduleKeyDeletion"}),
			Setup: "Create a second key and move envelope-1's data key under it with ReEncrypt: KMS decrypts and re-encrypts " +
				"inside, and the plaintext data key never comes out. Then the test user tries the same.",
			Change:  "a second KMS key (deletion scheduled afterwards); ReEncrypt of the data key to it",
			Predict: ProbeUserReEncrypt,
			Expect:  map[string]awsops.Decision{ProbeReEncrypt: allow, ProbeUserReEncrypt: deny},
			Why: "ReEncrypt is authorized twice: kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination. " +
				"The key policy gives you kms:ReEncrypt* on both; the test user's grant is Decrypt and GenerateDataKey only.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if _, err := e.CreateSecondKey(ctx); err != nil {
					return err
				}
				if err := probeOpen(ctx, e, ProbeReEncrypt, awsops.AsAdmin, awsops.CallReEncrypt, envContext()); err != nil {
					return err
				}
				if by, err := e.DecryptReEncrypted(ctx, envContext()); err == nil {
					e.Note("the re-encrypted data key decrypts with " + by + ", the same context")
				} else {
					e.Note(err.Error())
				}
				return probeOpen(ctx, e, ProbeUserReEncrypt, awsops.AsTestUser, awsops.CallReEncrypt, envContext())
			},
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
				return append(envCLIPrelude(n),
					fmt.Sprintf("aws kms get-key-policy --key-id \"$%s\" --policy-name default --query Policy --output text > policy-part6.json", varKeyID),
					fmt.Sprintf("KEY2=$(aws kms create-key --policy file://policy-part6.json --tags TagKey=%s,TagValue=%s --query KeyMetadata.Arn --output text)", ledger.TagKey, n.RunID),
					"aws kms re-encrypt --ciphertext-blob fileb://data-key.enc --source-encryption-context "+cliContext(envContext())+
						" \\\n  --destination-key-id \"$KEY2\" --destination-encryption-context "+cliContext(envContext())+" --query CiphertextBlob --output text | base64 -d > data-key2.enc",
					"aws kms decrypt --ciphertext-blob fileb://data-key2.enc --encryption-context "+cliContext(envContext())+" --query KeyId --output text",
					"# as the test user: AccessDeniedException on kms:ReEncryptFrom",
					asTestUser("aws kms re-encrypt --ciphertext-blob fileb://data-key.enc --source-encryption-context "+cliContext(envContext())+
						" --destination-key-id \"$KEY2\" --destination-encryption-context "+cliContext(envContext())+" --query KeyId --output text")+" || true",
					"# restore:",
					"aws kms schedule-key-deletion --key-id \"$KEY2\" --pending-window-in-days 7",
				)
			},
		},
		{
			ID: "env-disable", Title: "Disable the key, then enable it",
			Needs:   concat(needsExperiment, []string{"dynamodb:GetItem", "kms:Decrypt", "kms:DisableKey", "kms:EnableKey"}),
			Setup:   "Disable the key and decrypt envelope-1's data key as you, who may use the key; then enable it again.",
			Change:  "DisableKey, then EnableKey",
			Predict: ProbeAdminOpen,
			Expect:  map[string]awsops.Decision{ProbeAdminOpen: deny, ProbeAdminOpenAfter: allow},
			Why: "A disabled key cannot be used by anyone, whatever the policies say (DisabledException): every envelope " +
				"under it is unreadable until it is enabled, and nothing is lost.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				if err := e.SetKeyEnabled(ctx, false); err != nil {
					return err
				}
				if err := probeOpen(ctx, e, ProbeAdminOpen, awsops.AsAdmin, awsops.CallOpenEnvelope, envContext()); err != nil {
					return err
				}
				if err := e.SetKeyEnabled(ctx, true); err != nil {
					return err
				}
				return probeOpen(ctx, e, ProbeAdminOpenAfter, awsops.AsAdmin, awsops.CallOpenEnvelope, envContext())
			},
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
				return append(envCLIPrelude(n),
					fmt.Sprintf("aws kms disable-key --key-id \"$%s\"", varKeyID),
					decryptCLI(envContext())+" || true   # DisabledException",
					fmt.Sprintf("aws kms enable-key --key-id \"$%s\"", varKeyID),
					decryptCLI(envContext()))
			},
		},
		{
			ID: "env-deletion", Title: "Schedule deletion, then cancel it",
			Needs: concat(needsExperiment, []string{"dynamodb:GetItem", "kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:EnableKey"}),
			Setup: "Schedule the key's deletion in 7 days, the shortest wait AWS allows, and decrypt; cancel the deletion " +
				"and decrypt; then enable the key and decrypt.",
			Change:  "ScheduleKeyDeletion (7 days), CancelKeyDeletion, EnableKey",
			Predict: ProbeAdminCancelled,
			Expect:  map[string]awsops.Decision{ProbeAdminOpen: deny, ProbeAdminCancelled: deny, ProbeAdminOpenAfter: allow},
			Why: "A key pending deletion cannot be used (KMSInvalidStateException), and CancelKeyDeletion leaves it Disabled, " +
				"not Enabled (API_CancelKeyDeletion.html): it must be enabled again. Once deleted, every envelope under it is lost for good.",
			Do: func(ctx context.Context, e *awsops.Experiment, _ string) error {
				date, err := e.ScheduleDeletion(ctx, 7)
				if err != nil {
					return err
				}
				e.Note("deletion scheduled for " + date)
				if err := probeOpen(ctx, e, ProbeAdminOpen, awsops.AsAdmin, awsops.CallOpenEnvelope, envContext()); err != nil {
					return err
				}
				state, err := e.CancelDeletion(ctx)
				if err != nil {
					return err
				}
				e.Note("after CancelKeyDeletion the key is " + state)
				if err := probeOpen(ctx, e, ProbeAdminCancelled, awsops.AsAdmin, awsops.CallOpenEnvelope, envContext()); err != nil {
					return err
				}
				if err := e.SetKeyEnabled(ctx, true); err != nil {
					return err
				}
				return probeOpen(ctx, e, ProbeAdminOpenAfter, awsops.AsAdmin, awsops.CallOpenEnvelope, envContext())
			},
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
				return append(envCLIPrelude(n),
					fmt.Sprintf("aws kms schedule-key-deletion --key-id \"$%s\" --pending-window-in-days 7", varKeyID),
					decryptCLI(envContext())+" || true   # KMSInvalidStateException",
					fmt.Sprintf("aws kms cancel-key-deletion --key-id \"$%s\"", varKeyID),
					fmt.Sprintf("aws kms describe-key --key-id \"$%s\" --query KeyMetadata.KeyState --output text   # Disabled", varKeyID),
					decryptCLI(envContext())+" || true   # DisabledException",
					fmt.Sprintf("aws kms enable-key --key-id \"$%s\"", varKeyID),
					decryptCLI(envContext()))
			},
		},
	}
}
