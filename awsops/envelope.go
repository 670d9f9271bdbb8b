package awsops

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
)

// Envelope encryption by hand: KMS hands out a data key twice, in the clear
// and encrypted under the KMS key; the clear one encrypts the data locally
// and is thrown away, the encrypted one is stored beside the ciphertext.
// Reading means asking KMS to decrypt the stored data key, which is where
// the key policy, the encryption context and the key's state all apply
// (developerguide/concepts.html#enveloping, #data-keys).

// LocalCipher is how kmslab encrypts the data locally with a data key.
const LocalCipher = "AES-256-GCM"

// DataKey is a data key from GenerateDataKey: the encrypted copy to store,
// and the plaintext copy, which never leaves this value: it prints as its
// fingerprint only, and Forget wipes it.
type DataKey struct {
	KeyARN    string // the KMS key that encrypted it
	Encrypted []byte
	Context   map[string]string
	plaintext []byte
}

// Fingerprint identifies the plaintext data key without revealing it: the
// first 8 hex digits of its SHA-256, and its length. "" once forgotten.
func (d DataKey) Fingerprint() string {
	if len(d.plaintext) == 0 {
		return ""
	}
	sum := sha256.Sum256(d.plaintext)
	return fmt.Sprintf("%d bytes, SHA-256 %s…", len(d.plaintext), hex.EncodeToString(sum[:4]))
}

// Forget wipes the plaintext data key: after encrypting, it is thrown away.
func (d *DataKey) Forget() {
	clear(d.plaintext)
	d.plaintext = nil
}

// String never shows the plaintext key.
func (d DataKey) String() string { return "data key (" + d.Fingerprint() + ", plaintext redacted)" }

// GoString is String, so %#v cannot print the key either.
func (d DataKey) GoString() string { return d.String() }

// Envelope is what the lab stores: the locally encrypted secret and the
// data key that encrypted it, itself encrypted under the KMS key.
type Envelope struct {
	ID           string
	Context      map[string]string // the encryption context the data key is bound to
	EncryptedKey []byte
	Nonce        []byte
	Ciphertext   []byte // AES-256-GCM ciphertext and tag
}

// ContextString writes an encryption context as the AWS CLI's shorthand
// takes it, sorted: "purpose=demo,record=1".
func ContextString(c map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, k+"="+c[k])
	}
	return strings.Join(parts, ",")
}

// GenerateDataKey asks KMS, as the admin, for an AES-256 data key bound to
// encCtx under the run's key.
func (l *Lab) GenerateDataKey(ctx context.Context, encCtx map[string]string) (DataKey, error) {
	const op = "generate a data key"
	if l.keyARN == "" {
		return DataKey{}, &awserr.Error{Op: op, Message: errNoKey.Error(), Hint: "Create the key first", Err: errNoKey}
	}
	out, err := l.kms.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId: aws.String(l.keyARN), KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: encCtx,
	})
	if err != nil {
		return DataKey{}, awserr.Fail(op, l.keyID, err)
	}
	return DataKey{KeyARN: aws.ToString(out.KeyId), Encrypted: out.CiphertextBlob, Context: maps.Clone(encCtx), plaintext: out.Plaintext}, nil
}

// envelopeNonce is the GCM nonce of an envelope. A data key encrypts one
// envelope only, so a nonce fixed per envelope id never repeats under one
// key (NIST SP 800-38D 8.2: a nonce must not repeat under the same key);
// deriving it keeps seeded runs byte-identical.
func envelopeNonce(id string) []byte {
	sum := sha256.Sum256([]byte("kmslab envelope nonce " + id))
	return sum[:12]
}

func newEnvelopeAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts secret locally with the plaintext data key (AES-256-GCM,
// the envelope id as additional data, so a ciphertext moved to another
// envelope fails), then forgets the key.
func (d *DataKey) Seal(id string, secret []byte) (Envelope, error) {
	defer d.Forget()
	if len(d.plaintext) == 0 {
		return Envelope{}, errors.New("seal the envelope: the data key was already thrown away")
	}
	aead, err := newEnvelopeAEAD(d.plaintext)
	if err != nil {
		return Envelope{}, fmt.Errorf("seal the envelope: %w", err)
	}
	nonce := envelopeNonce(id)
	return Envelope{
		ID: id, Context: maps.Clone(d.Context), EncryptedKey: bytesClone(d.Encrypted), Nonce: nonce,
		Ciphertext: aead.Seal(nil, nonce, secret, []byte(id)),
	}, nil
}

func bytesClone(b []byte) []byte { return append([]byte(nil), b...) }

// openLocally decrypts the envelope's ciphertext with a plaintext data key.
func (e Envelope) openLocally(key []byte) ([]byte, error) {
	aead, err := newEnvelopeAEAD(key)
	if err != nil {
		return nil, err
	}
	return aead.Open(nil, e.Nonce, e.Ciphertext, []byte(e.ID))
}

// item is the envelope as a DynamoDB item. The binary parts are stored as
// base64 strings, not binary attributes, so the AWS CLI v1 and v2 read them
// back alike (they disagree on how a B value is given and shown); the
// context is the CLI's shorthand, for whoever reads the table.
func (e Envelope) item() map[string]ddbtypes.AttributeValue {
	b64 := func(b []byte) ddbtypes.AttributeValue {
		return &ddbtypes.AttributeValueMemberS{Value: base64.StdEncoding.EncodeToString(b)}
	}
	return map[string]ddbtypes.AttributeValue{
		"id":            &ddbtypes.AttributeValueMemberS{Value: e.ID},
		"alg":           &ddbtypes.AttributeValueMemberS{Value: LocalCipher},
		"context":       &ddbtypes.AttributeValueMemberS{Value: ContextString(e.Context)},
		"encrypted_key": b64(e.EncryptedKey),
		"nonce":         b64(e.Nonce),
		"ciphertext":    b64(e.Ciphertext),
	}
}

// fromItem reads an envelope item back, as item wrote it.
func fromItem(m map[string]ddbtypes.AttributeValue) (Envelope, error) {
	str := func(name string) string {
		if s, ok := m[name].(*ddbtypes.AttributeValueMemberS); ok {
			return s.Value
		}
		return ""
	}
	bad := errors.New("the item is not an envelope kmslab wrote")
	var e Envelope
	var err error
	e.ID = str("id")
	for _, f := range []struct {
		name string
		to   *[]byte
	}{{"encrypted_key", &e.EncryptedKey}, {"nonce", &e.Nonce}, {"ciphertext", &e.Ciphertext}} {
		if *f.to, err = base64.StdEncoding.DecodeString(str(f.name)); err != nil {
			return Envelope{}, bad
		}
	}
	if e.ID == "" || str("alg") != LocalCipher || len(e.EncryptedKey) == 0 || len(e.Nonce) != 12 || len(e.Ciphertext) < 16 {
		return Envelope{}, bad
	}
	if e.Context, err = ParseContext(str("context")); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// ParseContext reads "k=v,k2=v2" (ContextString's form) into a context.
func ParseContext(s string) (map[string]string, error) {
	out := map[string]string{}
	if s == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("encryption context %q: each pair is key=value", s)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("encryption context %q: key %q twice", s, k)
		}
		out[k] = v
	}
	return out, nil
}

// PutEnvelope stores an envelope in the run's table as the admin.
func (l *Lab) PutEnvelope(ctx context.Context, e Envelope) error {
	if _, err := l.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.names.Table), Item: e.item()}); err != nil {
		return awserr.Fail("store the envelope", l.names.Table, err)
	}
	return nil
}

// GetEnvelope reads an envelope from the run's table, as the admin or as
// the test user (DynamoDB permissions only: the table is not encrypted
// under the run's key, so this needs no KMS permission).
func (l *Lab) GetEnvelope(ctx context.Context, id string, as Principal) (Envelope, error) {
	const op = "read the envelope"
	c := l.ddb
	if as == AsTestUser {
		if l.test == nil {
			return Envelope{}, &awserr.Error{Op: op, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
		}
		c = l.test.ddb
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.names.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: id}},
	})
	if err != nil {
		return Envelope{}, awserr.Fail(op, l.names.Table, err)
	}
	if out.Item == nil {
		return Envelope{}, &awserr.Error{Op: op, Resource: l.names.Table, Message: "there is no envelope " + id, Hint: "Store it first", Err: errors.New("no envelope " + id)}
	}
	e, err := fromItem(out.Item)
	if err != nil {
		return Envelope{}, awserr.Fail(op, l.names.Table, err)
	}
	return e, nil
}

// Opened is an attempt to open an envelope: KMS's answer to Decrypt of its
// data key, and the secret when both KMS and the local decryption agreed.
type Opened struct {
	Decision Decision
	Code     string  // the error code of a refusal: AccessDeniedException, InvalidCiphertextException, ...
	Denied   *Denied // set for an access denial
	Reason   string
	KeyARN   string // the KMS key that decrypted the data key
	Secret   string
	Context  map[string]string // the context the caller supplied
}

// OpenEnvelope asks KMS, as who, to decrypt the envelope's data key with
// encCtx, then decrypts the secret locally. A refusal is a result, not an
// error: authorization (the policies, with the context as condition keys)
// comes first, then the cryptography (the context is part of the
// ciphertext's authenticated data).
func (l *Lab) OpenEnvelope(ctx context.Context, e Envelope, encCtx map[string]string, as Principal) (Opened, error) {
	const op = "open the envelope"
	c := l.kms
	if as == AsTestUser {
		if l.test == nil {
			return Opened{}, &awserr.Error{Op: op, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
		}
		c = l.test.kms
	}
	o := Opened{Context: maps.Clone(encCtx)}
	out, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: e.EncryptedKey, EncryptionContext: encCtx})
	if err != nil {
		n := l.kmsNeed(as, "kms:Decrypt", l.keyARN)
		p, jerr := judgeKMS(err, n)
		if jerr != nil {
			return o, awserr.Fail(op, e.ID, jerr)
		}
		o.Decision, o.Code, o.Reason, o.Denied = p.Decision, p.Code, p.Reason, asDenied(err, n)
		return o, nil
	}
	defer clear(out.Plaintext)
	o.KeyARN = aws.ToString(out.KeyId)
	secret, err := e.openLocally(out.Plaintext)
	if err != nil {
		return o, awserr.Fail(op, e.ID, fmt.Errorf("KMS decrypted the data key but the local %s decryption failed: %w", LocalCipher, err))
	}
	o.Decision, o.Secret = Allowed, string(secret)
	return o, nil
}

// judgeKMS is judge, plus the refusals a direct KMS call can get that a
// read through DynamoDB cannot: a ciphertext that does not open with the
// context given, a key pending deletion.
func judgeKMS(err error, n need) (Probe, error) {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "InvalidCiphertextException" {
		return Probe{Decision: Refused, Code: ae.ErrorCode(), Reason: "the ciphertext does not open with this encryption context"}, nil
	}
	return judge(err, n)
}

// kmsNeed is what a direct KMS call as who needs: action on key.
func (l *Lab) kmsNeed(who Principal, action, key string) need {
	n := need{action: action, resource: key}
	if who == AsAdmin && l.ident != nil {
		n.principal = l.ident.ARN
	} else if who == AsTestUser && l.user != nil {
		n.principal = l.user.ARN
	}
	return n
}

// Rotation is one completed rotation of the run's key.
type Rotation struct {
	MaterialID string
	Date       time.Time
	Type       string
}

// RotateKey rotates the run's key's material now (RotateKeyOnDemand) and
// lists its rotations. Rotation is not instantaneous on AWS
// (developerguide/rotating-keys-on-demand.html: GetKeyRotationStatus shows
// it in progress), so this waits until the rotation is listed.
func (l *Lab) RotateKey(ctx context.Context) ([]Rotation, error) {
	const op = "rotate the key"
	before, err := l.ListRotations(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := l.kms.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(l.keyARN)}); err != nil {
		return nil, awserr.Fail(op, l.keyID, err)
	}
	var after []Rotation
	err = l.wait(ctx, "RotateKey", "the key's rotation to complete", func(ctx context.Context) (bool, error) {
		var err error
		after, err = l.ListRotations(ctx)
		return len(after) > len(before), err
	})
	if err != nil {
		return nil, awserr.Fail("wait for the rotation", l.keyID, err)
	}
	return after, nil
}

// ListRotations lists the run's key's completed rotations, oldest first.
func (l *Lab) ListRotations(ctx context.Context) ([]Rotation, error) {
	var out []Rotation
	p := kms.NewListKeyRotationsPaginator(l.kms, &kms.ListKeyRotationsInput{KeyId: aws.String(l.keyARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awserr.Fail("list the key's rotations", l.keyID, err)
		}
		for _, r := range page.Rotations {
			out = append(out, Rotation{MaterialID: aws.ToString(r.KeyMaterialId), Date: aws.ToTime(r.RotationDate), Type: string(r.RotationType)})
		}
	}
	return out, nil
}

// AddKeyPolicyStatement adds a statement to the run's key policy (replacing
// one with the same Sid) and returns the change.
func (l *Lab) AddKeyPolicyStatement(ctx context.Context, statement string) (policydoc.Change, error) {
	const op = "edit the key policy"
	before, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return policydoc.Change{}, err
	}
	after, err := policydoc.PutStatement(before, statement)
	if err != nil {
		return policydoc.Change{}, awserr.Fail(op, l.keyID, err)
	}
	if err := l.putKeyPolicy(ctx, after); err != nil {
		return policydoc.Change{}, err
	}
	b, a := policydoc.PrettyJSON(before), policydoc.PrettyJSON(after)
	return policydoc.Change{Before: b, After: a, Diff: policydoc.DiffPolicies(b, a), Changed: b != a}, nil
}

// TraceDecrypt explains who's kms:Decrypt on the run's key with encCtx, as
// made directly (not through a service), from the documents AWS holds now.
func (l *Lab) TraceDecrypt(ctx context.Context, as Principal, encCtx map[string]string) (*explain.Trace, error) {
	principal := ""
	switch {
	case as == AsTestUser && l.user != nil:
		principal = l.user.ARN
	case as == AsAdmin && l.ident != nil:
		principal = l.ident.ARN
	default:
		return nil, &awserr.Error{Op: "explain the decision", Message: errNoUser.Error(), Hint: "Run the lab's parts first", Err: errNoUser}
	}
	ex := l.explainer()
	return ex.Explain(ctx, explain.TraceRequest{Principal: principal, Action: "kms:Decrypt", Key: l.keyARN, EncryptionContext: encCtx})
}

// EnvelopeSummary shows an envelope's stored parts as someone reading the
// table sees them: lengths and the start of each, base64.
func EnvelopeSummary(e Envelope) [][2]string {
	show := func(b []byte) string {
		s := base64.StdEncoding.EncodeToString(b)
		if len(s) > 24 {
			s = s[:24] + "…"
		}
		return fmt.Sprintf("%s (%d bytes)", s, len(b))
	}
	return [][2]string{
		{"Envelope", e.ID},
		{"Context", ContextString(e.Context)},
		{"Encrypted key", show(e.EncryptedKey)},
		{"Ciphertext", show(e.Ciphertext) + " " + LocalCipher},
	}
}

// NewDataKey generates a data key bound to encCtx (GenerateDataKey) and
// keeps its plaintext in the lab until SealSecret uses and forgets it. The
// returned copy has no plaintext, only its fingerprint to show.
func (l *Lab) NewDataKey(ctx context.Context, encCtx map[string]string) (DataKey, string, error) {
	dk, err := l.GenerateDataKey(ctx, encCtx)
	if err != nil {
		return DataKey{}, "", err
	}
	if l.pending != nil {
		l.pending.Forget()
	}
	l.pending = &dk
	shown := dk
	shown.plaintext = nil
	return shown, dk.Fingerprint(), nil
}

// SealSecret encrypts secret locally with the data key NewDataKey kept,
// forgets that key, and stores the envelope in the run's table.
func (l *Lab) SealSecret(ctx context.Context, id string, secret []byte) (Envelope, error) {
	if l.pending == nil {
		return Envelope{}, &awserr.Error{Op: "seal the secret", Message: "there is no data key in hand", Hint: "Generate a data key first", Err: errors.New("no data key")}
	}
	env, err := l.pending.Seal(id, secret)
	l.pending = nil
	if err != nil {
		return Envelope{}, err
	}
	return env, l.PutEnvelope(ctx, env)
}

// ExplainDecrypt is Explain for a direct kms:Decrypt with encCtx by the
// test user: IAM's policy simulator and the local trace, both given the
// encryption context as the request's condition keys.
func (l *Lab) ExplainDecrypt(ctx context.Context, encCtx map[string]string) (explain.Explanation, error) {
	return l.explainDecrypt(ctx, func(id Identity) (policy.RequestFacts, explain.TraceRequest) {
		return policy.RequestFacts{Caller: policy.Caller{ARN: l.user.ARN, Account: id.Account}, KMS: true, EncryptionContext: encCtx},
			explain.TraceRequest{Principal: l.user.ARN, Action: "kms:Decrypt", Key: l.keyARN, EncryptionContext: encCtx}
	})
}

// TestUserARN is the test user's ARN, once a step created it.
func (l *Lab) TestUserARN() (string, error) {
	if l.user == nil {
		return "", &awserr.Error{Op: "name the test user", Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	return l.user.ARN, nil
}

// WaitToOpen retries the test user's OpenEnvelope with encCtx until KMS
// allows it or the wait gives up: a key policy change takes a moment to
// apply (developerguide/key-policy-modifying.html).
func (l *Lab) WaitToOpen(ctx context.Context, e Envelope, encCtx map[string]string) (Opened, error) {
	var last Opened
	err := l.waitFor(ctx, "WaitToOpen", "the key policy change to take effect", l.opts.KMSTimeout, func(ctx context.Context) (bool, error) {
		o, err := l.OpenEnvelope(ctx, e, encCtx, AsTestUser)
		if err != nil {
			return false, err
		}
		last = o
		return o.Decision == Allowed, nil
	})
	if err != nil {
		return last, awserr.Fail("wait for the test user's access", e.ID, err)
	}
	return last, nil
}
