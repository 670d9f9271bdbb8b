package awsops_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
)

// env is one offline AWS with an admin config whose HTTP traffic the test
// can watch (to learn the secrets that must never leak) or cut (to
// interrupt a run right after AWS acted on a request).
type env struct {
	srv      *sim.Server
	cfg      aws.Config
	tap      *tap
	stateDir string
}

func startSim(t *testing.T, opts sim.Options) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start sim: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	tp := &tap{base: http.DefaultTransport}
	cfg := aws.Config{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		HTTPClient:   &http.Client{Transport: tp},
		// The SDK's own retryer rides out throttling; short pauses keep tests quick.
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = 20 * time.Millisecond
			})
		},
	}
	return &env{srv: srv, cfg: cfg, tap: tp, stateDir: t.TempDir()}
}

// opts are lab options with short backoffs, so waits take milliseconds.
func (e *env) opts(progress func(awsops.Progress)) awsops.Options {
	return awsops.Options{
		RunID:          ledger.NewRunID(rand.Reader),
		StateDir:       e.stateDir,
		Progress:       progress,
		WaitTimeout:    20 * time.Second,
		InitialBackoff: 5 * time.Millisecond,
		MaxBackoff:     40 * time.Millisecond,
	}
}

func (e *env) newLab(t *testing.T, progress func(awsops.Progress)) *awsops.Lab {
	t.Helper()
	lab, err := awsops.New(e.cfg, e.opts(progress))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return lab
}

// tap is an http.RoundTripper that records secrets handed out by
// CreateAccessKey and can cut one operation: the request reaches AWS and
// completes there, but the caller sees only a cancelled context.
type tap struct {
	base http.RoundTripper

	mu      sync.Mutex
	secrets []string
	cutOp   string
	cut     func()
	cutDone bool
}

var secretRE = regexp.MustCompile(`<SecretAccessKey>([^<]+)</SecretAccessKey>`)

func (t *tap) RoundTrip(req *http.Request) (*http.Response, error) {
	op, err := operation(req)
	if err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if op == "CreateAccessKey" {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		for _, m := range secretRE.FindAllSubmatch(body, -1) {
			t.secrets = append(t.secrets, string(m[1]))
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	if op == t.cutOp && !t.cutDone {
		t.cutDone = true
		_ = resp.Body.Close()
		t.cut()
		return nil, context.Canceled
	}
	return resp, nil
}

func (t *tap) setCut(op string, cancel func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cutOp, t.cut, t.cutDone = op, cancel, false
}

func (t *tap) fired() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cutDone
}

func (t *tap) secretList() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.secrets...)
}

// operation names the AWS operation of a request: the JSON target, or the
// query Action (the body is read and put back).
func operation(req *http.Request) (string, error) {
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		return target[strings.LastIndexByte(target, '.')+1:], nil
	}
	if req.Body == nil {
		return "", nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return "", err
	}
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	form, _ := url.ParseQuery(string(body))
	return form.Get("Action"), nil
}

// assertEmpty checks, through the admin's own SDK clients, that nothing of
// any lab run is left in the offline account: no user but the admin, no
// table, no kmslab alias, no customer key that is not pending deletion.
func (e *env) assertEmpty(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	users, err := iam.NewFromConfig(e.cfg).ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatalf("list users: %v", err)
	}
	for _, u := range users.Users {
		if aws.ToString(u.UserName) != sim.DefaultAdminUser {
			t.Errorf("user left: %s", aws.ToString(u.UserName))
		}
	}
	tables, err := dynamodb.NewFromConfig(e.cfg).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	for _, name := range tables.TableNames {
		t.Errorf("table left: %s", name)
	}
	kc := kms.NewFromConfig(e.cfg)
	aliases, err := kc.ListAliases(ctx, &kms.ListAliasesInput{})
	if err != nil {
		t.Fatalf("list aliases: %v", err)
	}
	for _, a := range aliases.Aliases {
		if strings.HasPrefix(aws.ToString(a.AliasName), "alias/kmslab-") {
			t.Errorf("alias left: %s", aws.ToString(a.AliasName))
		}
	}
	keys, err := kc.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatalf("list keys: %v", err)
	}
	for _, k := range keys.Keys {
		d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		if err != nil {
			t.Fatalf("describe key: %v", err)
		}
		m := d.KeyMetadata
		if m.KeyManager == kmstypes.KeyManagerTypeCustomer && m.KeyState != kmstypes.KeyStatePendingDeletion {
			t.Errorf("key left: %s (%s)", aws.ToString(m.KeyId), m.KeyState)
		}
	}
}

// assertNoLedgers checks that every ledger under dir was removed.
func assertNoLedgers(t *testing.T, dir string) {
	t.Helper()
	ledgers, err := ledger.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ledgers {
		t.Errorf("ledger of run %s left with %d pending resource(s): %+v", l.RunID, len(l.Pending()), l.Pending())
	}
}
