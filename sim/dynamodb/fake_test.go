package dynamodb

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
	"kmslab/sim/kms"
)

const (
	testAccount = "111122223333"
	testRegion  = "us-east-1"
)

// fakeKMS is a tiny KMS: keys with states, an allow-list of principals per key, real
// AES-GCM wrapping with the encryption context as AAD, and a call log.
type fakeKMS struct {
	mu      sync.Mutex
	env     *api.Env
	keys    map[string]*fakeKey // by ARN
	aliases map[string]string   // alias name -> ARN
	calls   []string            // "Decrypt <principal>", ...
	grants  []string
}

type fakeKey struct {
	arn, id, state string
	material       []byte
	users          map[string]bool // principal ARNs allowed to use the key
}

func newFakeKMS(env *api.Env) *fakeKMS {
	return &fakeKMS{env: env, keys: map[string]*fakeKey{}, aliases: map[string]string{}}
}

func (f *fakeKMS) addKey(alias string, users ...string) *fakeKey {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.env.UUID()
	k := &fakeKey{arn: "arn:aws:kms:" + testRegion + ":" + testAccount + ":key/" + id, id: id, state: "Enabled", material: f.env.Bytes(32), users: map[string]bool{}}
	for _, u := range users {
		k.users[u] = true
	}
	f.keys[k.arn] = k
	if alias != "" {
		f.aliases[alias] = k.arn
	}
	return k
}

func (f *fakeKMS) setState(k *fakeKey, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k.state = state
}

func (f *fakeKMS) allow(k *fakeKey, user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k.users[user] = true
}

func (f *fakeKMS) resolve(ref string) *fakeKey {
	if strings.HasPrefix(ref, "arn:aws:kms:") && strings.Contains(ref, ":alias/") {
		ref = ref[strings.Index(ref, ":alias/")+1:]
	}
	if a, ok := f.aliases[ref]; ok {
		ref = a
	}
	if k, ok := f.keys[ref]; ok {
		return k
	}
	for _, k := range f.keys {
		if k.id == ref {
			return k
		}
	}
	return nil
}

func (f *fakeKMS) check(k *fakeKey, caller *api.Principal, action string) error {
	if caller == nil || !k.users[caller.ARN] {
		who := "<nil>"
		if caller != nil {
			who = caller.ARN
		}
		return api.BadRequest("AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action", who, action, k.arn, action)
	}
	switch k.state {
	case "Disabled":
		return api.BadRequest("DisabledException", "%s is disabled.", k.arn)
	case "PendingDeletion":
		return api.BadRequest("KMSInvalidStateException", "%s is pending deletion.", k.arn)
	}
	return nil
}

func (f *fakeKMS) log(op string, caller *api.Principal) {
	who := "<nil>"
	if caller != nil {
		who = caller.ARN
	}
	f.calls = append(f.calls, op+" "+who)
}

func (f *fakeKMS) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, op+" ") {
			n++
		}
	}
	return n
}

func (f *fakeKMS) DescribeKeyFor(_ context.Context, caller *api.Principal, ref, _ string) (kms.KeyInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("DescribeKey", caller)
	k := f.resolve(ref)
	if k == nil {
		return kms.KeyInfo{}, api.BadRequest("NotFoundException", "Key '%s' does not exist", ref)
	}
	return kms.KeyInfo{KeyID: k.id, ARN: k.arn, State: k.state, Manager: "CUSTOMER"}, nil
}

func (f *fakeKMS) AWSManagedKey(_ context.Context, alias, _ string) (kms.KeyInfo, error) {
	f.mu.Lock()
	k := f.resolve(alias)
	f.mu.Unlock()
	if k == nil {
		k = f.addKey(alias)
		f.mu.Lock()
		k.users["*"] = true
		f.mu.Unlock()
	}
	return kms.KeyInfo{KeyID: k.id, ARN: k.arn, State: k.state, Manager: "AWS"}, nil
}

func (f *fakeKMS) CreateGrantFor(_ context.Context, caller *api.Principal, keyARN, grantee string, ops []string, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("CreateGrant", caller)
	f.grants = append(f.grants, keyARN+" "+grantee+" "+strings.Join(ops, ","))
	return "grant-" + fmt.Sprint(len(f.grants)), nil
}

func (f *fakeKMS) RetireGrantFor(_ context.Context, caller *api.Principal, keyARN, grantID, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("RetireGrant", caller)
	return nil
}

func (f *fakeKMS) aead(k *fakeKey) cipher.AEAD {
	b, _ := aes.NewCipher(k.material)
	g, _ := cipher.NewGCM(b)
	return g
}

func ctxAAD(encCtx map[string]string) []byte {
	b, _ := json.Marshal(encCtx) // map keys are sorted: deterministic
	return b
}

func (f *fakeKMS) usable(k *fakeKey, caller *api.Principal, action string) error {
	if k.users["*"] {
		return nil
	}
	return f.check(k, caller, action)
}

func (f *fakeKMS) GenerateDataKeyFor(_ context.Context, caller *api.Principal, keyARN string, encCtx map[string]string, _ string) ([]byte, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("GenerateDataKey", caller)
	k := f.resolve(keyARN)
	if k == nil {
		return nil, nil, api.BadRequest("NotFoundException", "Key '%s' does not exist", keyARN)
	}
	if err := f.usable(k, caller, "kms:GenerateDataKey"); err != nil {
		return nil, nil, err
	}
	pt := f.env.Bytes(32)
	nonce := f.env.Bytes(12)
	blob := append([]byte(k.arn+"|"), f.aead(k).Seal(nonce, nonce, pt, ctxAAD(encCtx))...)
	return pt, blob, nil
}

func (f *fakeKMS) DecryptFor(_ context.Context, caller *api.Principal, blob []byte, encCtx map[string]string, _ string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("Decrypt", caller)
	i := strings.IndexByte(string(blob), '|')
	if i < 0 {
		return nil, api.BadRequest("InvalidCiphertextException", "")
	}
	k := f.keys[string(blob[:i])]
	if k == nil {
		return nil, api.BadRequest("NotFoundException", "key gone")
	}
	if err := f.usable(k, caller, "kms:Decrypt"); err != nil {
		return nil, err
	}
	ct := blob[i+1:]
	pt, err := f.aead(k).Open(nil, ct[:12], ct[12:], ctxAAD(encCtx))
	if err != nil {
		return nil, api.BadRequest("InvalidCiphertextException", "")
	}
	return pt, nil
}

// ids gives every principal dynamodb:* (IAM is not what these tests are about).
type ids struct{ doc *policy.Document }

func (i ids) IdentityPolicies(*api.Principal) ([]policy.Named, error) {
	return []policy.Named{{Name: "AmazonDynamoDBFullAccess", Doc: i.doc}}, nil
}

// harness is a Service with a fake KMS, a settable clock and two principals.
type harness struct {
	t     *testing.T
	svc   *Service
	kms   *fakeKMS
	env   *api.Env
	now   time.Time
	mu    sync.Mutex
	admin *api.Principal
	user  *api.Principal
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	h.env = api.NewEnv(testAccount, testRegion, func() time.Time {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.now
	}, nil)
	doc, err := policy.ParseIdentity([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`))
	if err != nil {
		t.Fatalf("parse policy: %v", err)
	}
	h.kms = newFakeKMS(h.env)
	h.svc = New(h.env, authz.New(h.env, ids{doc}), h.kms, nil, opts)
	h.admin = &api.Principal{ARN: "arn:aws:iam::" + testAccount + ":user/admin", AccountID: testAccount, UserName: "admin", UserID: "AIDAADMIN"}
	h.user = &api.Principal{ARN: "arn:aws:iam::" + testAccount + ":user/learner", AccountID: testAccount, UserName: "learner", UserID: "AIDALEARNER"}
	return h
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
}

// call runs one operation as p with a JSON body and returns the decoded response or the API error.
func (h *harness) call(p *api.Principal, op, body string) (map[string]any, *api.Error) {
	h.t.Helper()
	handler, ok := h.svc.Handlers()[op]
	if !ok {
		h.t.Fatalf("no handler %s", op)
	}
	ctx := api.WithRequest(context.Background(), &api.Request{ID: "req", Service: "dynamodb", Operation: op, Principal: p, Region: testRegion})
	out, err := handler(ctx, []byte(body))
	if err != nil {
		var ae *api.Error
		if !errors.As(err, &ae) {
			h.t.Fatalf("%s: non-API error %v", op, err)
		}
		return nil, ae
	}
	b, err := json.Marshal(out)
	if err != nil {
		h.t.Fatalf("%s: marshal: %v", op, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		h.t.Fatalf("%s: unmarshal: %v", op, err)
	}
	return m, nil
}

// must runs op as admin and fails the test on error.
func (h *harness) must(op, body string) map[string]any {
	h.t.Helper()
	out, err := h.call(h.admin, op, body)
	if err != nil {
		h.t.Fatalf("%s %s: %v", op, body, err)
	}
	return out
}

// fails runs op as p and checks the error code and message.
func (h *harness) fails(p *api.Principal, op, body, code, msg string) *api.Error {
	h.t.Helper()
	_, err := h.call(p, op, body)
	if err == nil {
		h.t.Fatalf("%s %s: succeeded, want %s", op, body, code)
	}
	if err.Code != code || (msg != "" && err.Message != msg) {
		h.t.Fatalf("%s %s:\n got %s: %s\nwant %s: %s", op, body, err.Code, err.Message, code, msg)
	}
	return err
}
