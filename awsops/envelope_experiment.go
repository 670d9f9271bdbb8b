package awsops

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
)

// The envelope lab's experiments call KMS directly, with an encryption
// context, on the envelope the lab stored: the probes here are those calls,
// recorded in the trial as Probe records, each with the trace of its own
// kms action (the context included) when the call reached authorization.

// EnvelopeCall is what an envelope probe asks KMS.
type EnvelopeCall int

// The calls an envelope probe can make.
const (
	// CallOpenEnvelope is Decrypt of the envelope's data key with the given
	// context, then the local decryption.
	CallOpenEnvelope EnvelopeCall = iota
	// CallGenerateWithoutPlaintext is GenerateDataKeyWithoutPlaintext with
	// the given context: an encrypted data key and nothing else.
	CallGenerateWithoutPlaintext
	// CallReEncrypt is ReEncrypt of the envelope's data key to the
	// experiment's second key, with the same context.
	CallReEncrypt
)

// EnvelopeProbe is one call an envelope experiment makes after its change.
type EnvelopeProbe struct {
	Name     string
	As       Principal
	Call     EnvelopeCall
	Envelope Envelope
	Context  map[string]string
}

// action is the KMS action the call is authorized as.
func (c EnvelopeCall) action() string {
	switch c {
	case CallGenerateWithoutPlaintext:
		return "kms:GenerateDataKeyWithoutPlaintext"
	case CallReEncrypt:
		return "kms:ReEncryptFrom"
	}
	return "kms:Decrypt"
}

// ProbeEnvelope makes the probe's call, retried until it reaches the
// expected decision (KMS propagates policy and state changes) or the wait
// gives up, and records it with its trace.
func (e *Experiment) ProbeEnvelope(ctx context.Context, p EnvelopeProbe) Probe {
	l := e.l
	want := e.want[p.Name]
	who, kc := "the admin", l.kms
	if p.As == AsTestUser {
		who, kc = l.user.Name, l.test.kms
	}
	label := fmt.Sprintf("%s as %s (no encryption context)", p.Call.verb(), who)
	if len(p.Context) > 0 {
		label = fmt.Sprintf("%s as %s (context %s)", p.Call.verb(), who, ContextString(p.Context))
	}
	var last Probe
	var callErr error
	try := func(ctx context.Context) (bool, error) {
		r, err := e.envelopeCall(ctx, kc, p)
		if err != nil {
			callErr = err
			return false, err
		}
		last, callErr = r, nil
		return want == "" || r.Decision == want, nil
	}
	if want == "" {
		_, _ = try(ctx)
	} else if err := l.waitFor(ctx, "RunExperiment", label+" to be "+string(want), e.probeLimit(), try); err != nil && callErr == nil && ctx.Err() == nil {
		e.Note(fmt.Sprintf("%s: still %s when the wait gave up", label, last.Decision))
	}
	if callErr != nil {
		last = Probe{Decision: Refused, Code: awserr.Code(callErr), Reason: callErr.Error()}
	}
	last.Name, last.Call = p.Name, label
	if ctx.Err() == nil {
		ex := l.explainer()
		principal := l.user.ARN
		if p.As == AsAdmin && l.ident != nil {
			principal = l.ident.ARN
		}
		tr, err := ex.Explain(ctx, explain.TraceRequest{Principal: principal, Action: p.Call.action(), Key: l.keyARN, EncryptionContext: p.Context})
		if err != nil {
			last.TraceError = err.Error()
		} else {
			last.Trace = tr
		}
	}
	e.trial.Probes = append(e.trial.Probes, last)
	return last
}

func (c EnvelopeCall) verb() string {
	switch c {
	case CallGenerateWithoutPlaintext:
		return "GenerateDataKeyWithoutPlaintext"
	case CallReEncrypt:
		return "ReEncrypt to the second key"
	}
	return "Decrypt the data key"
}

// envelopeCall makes one probe call and judges it.
func (e *Experiment) envelopeCall(ctx context.Context, kc *kms.Client, p EnvelopeProbe) (Probe, error) {
	l := e.l
	switch p.Call {
	case CallGenerateWithoutPlaintext:
		out, err := kc.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{
			KeyId: aws.String(l.keyARN), KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: p.Context})
		if err != nil {
			return judgeKMS(err, l.kmsNeed(p.As, "kms:GenerateDataKeyWithoutPlaintext", l.keyARN))
		}
		return Probe{Decision: Allowed, Note: fmt.Sprintf("an encrypted data key of %d bytes, and no plaintext", len(out.CiphertextBlob))}, nil
	case CallReEncrypt:
		if e.second == "" {
			return Probe{}, fmt.Errorf("re-encrypt: the experiment has no second key")
		}
		out, err := kc.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: p.Envelope.EncryptedKey, SourceEncryptionContext: p.Context,
			DestinationKeyId: aws.String(e.second), DestinationEncryptionContext: p.Context})
		if err != nil {
			// ReEncrypt needs kms:ReEncryptFrom on the source key and
			// kms:ReEncryptTo on the destination; the code does not say
			// which was refused, so the source, the lab's key, is named.
			return judgeKMS(err, l.kmsNeed(p.As, "kms:ReEncryptFrom", l.keyARN))
		}
		e.reencrypted = out.CiphertextBlob
		return Probe{Decision: Allowed, Note: "now under " + aws.ToString(out.KeyId) + "; the response has no plaintext field"}, nil
	}
	o, err := l.OpenEnvelope(ctx, p.Envelope, p.Context, p.As)
	if err != nil {
		return Probe{}, err
	}
	pr := Probe{Decision: o.Decision, Code: o.Code, Reason: o.Reason}
	if o.Decision == Allowed {
		pr.Note = "decrypted by " + o.KeyARN
	}
	return pr, nil
}

// CreateSecondKey creates another key for the run (in the ledger first,
// tagged as the run's), with the run key's policy; undo schedules its
// deletion after the shortest waiting period.
func (e *Experiment) CreateSecondKey(ctx context.Context) (string, error) {
	l := e.l
	const op = "create a second KMS key"
	policy, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return "", err
	}
	entry, err := l.ledger.Plan(ledger.KindKey, "", "")
	if err != nil {
		return "", awserr.Fail(op, "", err)
	}
	out, err := l.kms.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("kmslab run " + l.names.RunID + ": the envelope lab's re-encryption target"),
		KeySpec:     kmstypes.KeySpecSymmetricDefault,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
		Policy:      aws.String(policy),
		Tags:        []kmstypes.Tag{{TagKey: aws.String(ledger.TagKey), TagValue: aws.String(l.names.RunID)}},
	})
	if err != nil {
		return "", awserr.Fail(op, "", err)
	}
	id, arn := aws.ToString(out.KeyMetadata.KeyId), aws.ToString(out.KeyMetadata.Arn)
	if err := l.ledger.Created(entry, id, arn); err != nil {
		return "", awserr.Fail(op, id, err)
	}
	e.second = arn
	e.undo = append(e.undo, func(ctx context.Context) error {
		f := l.cleaner(nil).ScheduleKey(ctx, l.names.RunID, id)
		return f.Err
	})
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "keys", Text: "+ " + arn + " (deletion scheduled when the experiment ends)\n"})
	return arn, nil
}

// DecryptReEncrypted decrypts, as the admin, what the ReEncrypt probe
// produced, to show it opens under the second key with the same context.
func (e *Experiment) DecryptReEncrypted(ctx context.Context, encCtx map[string]string) (string, error) {
	if e.reencrypted == nil {
		return "", fmt.Errorf("decrypt the re-encrypted data key: nothing was re-encrypted")
	}
	out, err := e.l.kms.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: e.reencrypted, EncryptionContext: encCtx})
	if err != nil {
		return "", awserr.Fail("decrypt the re-encrypted data key", e.second, err)
	}
	clear(out.Plaintext)
	return aws.ToString(out.KeyId), nil
}

// ScheduleDeletion schedules the run's key for deletion after days, the
// change undone by CancelDeletion (which AWS leaves Disabled) then
// SetKeyEnabled.
func (e *Experiment) ScheduleDeletion(ctx context.Context, days int32) (string, error) {
	l := e.l
	out, err := l.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(l.keyARN), PendingWindowInDays: aws.Int32(days)})
	if err != nil {
		return "", awserr.Fail("schedule the key's deletion", l.keyID, err)
	}
	e.undo = append(e.undo, func(ctx context.Context) error {
		d, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
		if err != nil {
			return awserr.Fail("describe key", l.keyID, err)
		}
		if d.KeyMetadata.KeyState == kmstypes.KeyStatePendingDeletion {
			if _, err := e.CancelDeletion(ctx); err != nil {
				return err
			}
		}
		return e.SetKeyEnabled(ctx, true)
	})
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key state", Text: "- Enabled\n+ PendingDeletion\n"})
	return aws.ToTime(out.DeletionDate).UTC().Format("2006-01-02"), nil
}

// CancelDeletion cancels the key's scheduled deletion and says the state
// it is left in: AWS leaves it Disabled (API_CancelKeyDeletion.html: "the
// KMS key is in the Disabled state"), to be enabled before use.
func (e *Experiment) CancelDeletion(ctx context.Context) (string, error) {
	l := e.l
	if _, err := l.kms.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(l.keyARN)}); err != nil {
		return "", awserr.Fail("cancel the key's deletion", l.keyID, err)
	}
	d, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
	if err != nil {
		return "", awserr.Fail("describe key", l.keyID, err)
	}
	return string(d.KeyMetadata.KeyState), nil
}

// AddKeyPolicyStatement adds a statement to the key policy for the
// experiment; the restore puts the end-of-part-6 policy back.
func (e *Experiment) AddKeyPolicyStatement(ctx context.Context, statement string) error {
	ch, err := e.l.AddKeyPolicyStatement(ctx, statement)
	if err != nil {
		return err
	}
	e.kmsTouched = true
	e.trial.Diffs = append(e.trial.Diffs, Diff{Label: "key policy", Text: ch.Diff.Unified(), Policy: &ch.Diff})
	return nil
}

// Envelope reads the envelope id as the admin, for probes.
func (e *Experiment) Envelope(ctx context.Context, id string) (Envelope, error) {
	return e.l.GetEnvelope(ctx, id, AsAdmin)
}
