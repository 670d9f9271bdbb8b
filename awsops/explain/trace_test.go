package explain_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"kmslab/awsops/explain"
	"kmslab/sim"
)

const ddbFullAccess = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"

// scenario is one key, one user and their documents, built through the
// offline AWS's API; %KEY%, %USER%, %ROOT% and %ADMIN% in documents are
// replaced by the ARNs.
type scenario struct {
	name      string
	keyPolicy []string // statements; an admin statement is always added
	managed   []string // managed policy ARNs attached to the user
	inline    []string // inline policy statements, one policy each
	grantOps  []string // operations granted to the user, if any
	disable   bool
	via       bool // read through DynamoDB rather than a direct Decrypt
	want      string
}

const (
	stRoot      = `{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"%ROOT%"},"Action":"kms:*","Resource":"*"}`
	stUser      = `{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"%USER%"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}`
	stUserVia   = `{"Sid":"Only through DynamoDB","Effect":"Allow","Principal":{"AWS":"%USER%"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"dynamodb.us-east-1.amazonaws.com"}}}`
	stKeyDeny   = `{"Sid":"Deny the user","Effect":"Deny","Principal":{"AWS":"%USER%"},"Action":"kms:Decrypt","Resource":"*"}`
	idDecrypt   = `{"Sid":"DecryptTheKey","Effect":"Allow","Action":"kms:Decrypt","Resource":"%KEY%"}`
	idKMSAll    = `{"Sid":"AllKMS","Effect":"Allow","Action":"kms:*","Resource":"*"}`
	idDeny      = `{"Sid":"NoDecrypt","Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}`
	idTLSOnly   = `{"Sid":"TLSOnly","Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	idOtherKey  = `{"Sid":"OtherKey","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"}`
	stAdminTmpl = `{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"%ADMIN%"},"Action":"kms:*","Resource":"*"}`
)

// TestTraceMatchesEnforcement builds each case on the offline AWS, explains
// it through the API as kmslab explain does, then makes the call as the user:
// the trace's verdict must be what the offline AWS answers.
func TestTraceMatchesEnforcement(t *testing.T) {
	cases := []scenario{
		{name: "lab denial", keyPolicy: []string{stRoot}, managed: []string{ddbFullAccess}, via: true, want: "AccessDenied"},
		{name: "key policy names the user", keyPolicy: []string{stRoot, stUser}, managed: []string{ddbFullAccess}, via: true, want: "Allowed"},
		{name: "IAM policy with root statement", keyPolicy: []string{stRoot}, inline: []string{idDecrypt}, want: "Allowed"},
		{name: "IAM policy without root statement", keyPolicy: nil, inline: []string{idDecrypt}, want: "AccessDenied"},
		{name: "explicit IAM deny over key allow", keyPolicy: []string{stRoot, stUser}, inline: []string{idDeny}, want: "AccessDenied"},
		{name: "via DynamoDB allowed", keyPolicy: []string{stUserVia}, managed: []string{ddbFullAccess}, via: true, want: "Allowed"},
		{name: "via DynamoDB key, direct decrypt", keyPolicy: []string{stUserVia}, managed: []string{ddbFullAccess}, want: "AccessDenied"},
		{name: "grant", keyPolicy: []string{stRoot}, grantOps: []string{"Decrypt"}, want: "Allowed"},
		{name: "disabled key", keyPolicy: []string{stRoot, stUser}, disable: true, want: "DisabledException"},
	}
	e := startTraceSim(t)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, got := e.run(t, fmt.Sprintf("case%d", i), c)
			if tr.Verdict() != got || got != c.want {
				t.Errorf("trace says %s (%s), the offline AWS answered %s, want %s\n%s", tr.Verdict(), tr.Reason, got, c.want, traceText(tr))
			}
			if tr.Simulator == "" {
				t.Errorf("simulator not asked: %q", tr.Missing)
			}
			if (tr.Simulator != tr.EvalDecision()) != (tr.Disagreement != "") {
				t.Errorf("simulator %s, local %s, disagreement %q", tr.Simulator, tr.EvalDecision(), tr.Disagreement)
			}
		})
	}
}

// TestTraceMatchesEnforcementRandom holds the same equality over generated
// combinations of key policy statements, identity policies, grants, key
// state and path (seeded, so a failure reproduces).
func TestTraceMatchesEnforcementRandom(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 10
	}
	r := rand.New(rand.NewPCG(10, 2026))
	// Statements with the chance (in 12ths) that a case includes them; denies
	// are rarer so that the allow rules get exercised too.
	keySts := []struct {
		st   string
		odds int
	}{{stRoot, 6}, {stUser, 4}, {stUserVia, 5}, {stKeyDeny, 2}}
	idSts := []struct {
		st   string
		odds int
	}{{idDecrypt, 5}, {idKMSAll, 3}, {idDeny, 2}, {idOtherKey, 4}, {idTLSOnly, 1}}
	e := startTraceSim(t)
	for i := range n {
		var c scenario
		for _, s := range keySts {
			if r.IntN(12) < s.odds {
				c.keyPolicy = append(c.keyPolicy, s.st)
			}
		}
		for _, s := range idSts {
			if r.IntN(12) < s.odds {
				c.inline = append(c.inline, s.st)
			}
		}
		switch r.IntN(3) {
		case 1:
			c.grantOps = []string{"Decrypt"}
		case 2:
			c.grantOps = []string{"Encrypt", "DescribeKey"}
		}
		c.via = r.IntN(2) == 0
		if c.via {
			c.managed = []string{ddbFullAccess}
		} else {
			c.disable = r.IntN(4) == 0
		}
		c.name = fmt.Sprintf("gen%d", i)
		t.Run(c.name, func(t *testing.T) {
			tr, got := e.run(t, c.name, c)
			if tr.Verdict() != got {
				t.Errorf("%+v: trace says %s (%s), the offline AWS answered %s\n%s", c, tr.Verdict(), tr.Reason, got, traceText(tr))
			}
		})
	}
}

// TestTraceMissingPermissions runs the explainer as a user who may only
// describe the key and read IAM users: each document it cannot read is
// named, none silently skipped.
func TestTraceMissingPermissions(t *testing.T) {
	e := startTraceSim(t)
	ctx := context.Background()
	_, _ = e.run(t, "target", scenario{keyPolicy: []string{stRoot}, inline: []string{idDecrypt}, want: "Allowed"})
	reader := e.user(t, "reader", nil, []string{`{"Effect":"Allow","Action":["kms:DescribeKey","iam:GetUser"],"Resource":"*"}`})
	ex := explain.New(e.clientCfg(reader))
	tr, err := ex.Explain(ctx, explain.TraceRequest{Principal: "target", Action: "kms:Decrypt", Key: e.keys["target"]})
	if err != nil {
		t.Fatalf("Explain: %v", err)
	}
	joined := strings.Join(tr.Missing, "\n")
	for _, want := range []string{"kms:GetKeyPolicy", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:ListGroupsForUser", "kms:ListGrants", "iam:SimulatePrincipalPolicy"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing says nothing of %s:\n%s", want, joined)
		}
	}
	if got := tr.Unreadable(); len(got) != 3 {
		t.Errorf("unreadable %q, want the key policy and both policy lists", got)
	}
}

type traceEnv struct {
	srv   *sim.Server
	cfg   aws.Config
	admin string
	keys  map[string]string // scenario name -> key ARN
}

func startTraceSim(t *testing.T) *traceEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sim.Start(ctx, sim.Options{KeyCacheTTL: sim.NoKeyCache})
	if err != nil {
		t.Fatalf("start sim: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := aws.Config{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		// The SDK's own retryer rides out throttling; short pauses keep tests quick.
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = 20 * time.Millisecond
			})
		},
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return &traceEnv{srv: srv, cfg: cfg, admin: aws.ToString(out.Arn), keys: map[string]string{}}
}

func (e *traceEnv) clientCfg(c *credentials.StaticCredentialsProvider) aws.Config {
	cfg := e.cfg.Copy()
	cfg.Credentials = c
	return cfg
}

// user creates an IAM user with managed and inline policies and returns its credentials.
func (e *traceEnv) user(t *testing.T, name string, managed, inline []string) *credentials.StaticCredentialsProvider {
	t.Helper()
	ctx := context.Background()
	c := iam.NewFromConfig(e.cfg)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for _, arn := range managed {
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, st := range inline {
		doc := `{"Version":"2012-10-17","Statement":[` + st + `]}`
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(fmt.Sprintf("inline%d", i)), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	p := credentials.NewStaticCredentialsProvider(aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), "")
	return &p
}

// run builds the scenario, explains it as the admin, makes the call as the
// user and returns the trace and what the offline AWS answered.
func (e *traceEnv) run(t *testing.T, name string, c scenario) (*explain.Trace, string) {
	t.Helper()
	ctx := context.Background()
	// The user's inline policies name the key, so the key comes first.
	k := kms.NewFromConfig(e.cfg)
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	e.keys[name] = keyARN
	fill := func(s string) string {
		return strings.NewReplacer("%KEY%", keyARN, "%ROOT%", "arn:aws:iam::111122223333:root",
			"%USER%", "arn:aws:iam::111122223333:user/"+name, "%ADMIN%", e.admin).Replace(s)
	}
	var inline []string
	for _, s := range c.inline {
		inline = append(inline, fill(s))
	}
	creds := e.user(t, name, c.managed, inline)

	// Data under the key, made while the default policy lets the admin use it.
	blob, err := k.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("secret")})
	if err != nil {
		t.Fatal(err)
	}
	table := "t-" + name
	if c.via {
		d := dynamodb.NewFromConfig(e.cfg)
		if _, err := d.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}}}); err != nil {
			t.Fatal(err)
		}
	}
	sts := append([]string{stAdminTmpl}, c.keyPolicy...)
	for i := range sts {
		sts[i] = fill(sts[i])
	}
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
	if _, err := k.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(doc), BypassPolicyLockoutSafetyCheck: true}); err != nil {
		t.Fatalf("PutKeyPolicy %s: %v", doc, err)
	}
	if len(c.grantOps) > 0 {
		var ops []kmstypes.GrantOperation
		for _, o := range c.grantOps {
			ops = append(ops, kmstypes.GrantOperation(o))
		}
		if _, err := k.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: aws.String(keyARN), GranteePrincipal: aws.String(fill("%USER%")), Operations: ops}); err != nil {
			t.Fatal(err)
		}
	}
	if c.disable {
		if _, err := k.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyARN)}); err != nil {
			t.Fatal(err)
		}
	}

	req := explain.TraceRequest{Principal: name, Action: "kms:Decrypt", Key: keyARN}
	if c.via {
		req.Via = "dynamodb"
	}
	tr, err := explain.New(e.cfg).Explain(ctx, req)
	if err != nil {
		t.Fatalf("Explain: %v", err)
	}
	if len(tr.Missing) > 0 {
		t.Errorf("the admin lacked something: %q", tr.Missing)
	}

	ucfg := e.clientCfg(creds)
	if c.via {
		_, err = dynamodb.NewFromConfig(ucfg).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}}})
	} else {
		_, err = kms.NewFromConfig(ucfg).Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob.CiphertextBlob})
	}
	return tr, answer(err)
}

// answer names the offline AWS's answer as Trace.Verdict does.
func answer(err error) string {
	var ae smithy.APIError
	switch {
	case err == nil:
		return "Allowed"
	case errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException":
		return "AccessDenied"
	case errors.As(err, &ae):
		return ae.ErrorCode()
	}
	return err.Error()
}

func traceText(tr *explain.Trace) string {
	var b strings.Builder
	for _, p := range tr.Policies {
		fmt.Fprintf(&b, "%s: %s\n", p.Label(), p.Decision)
		for _, s := range p.Statements {
			fmt.Fprintf(&b, "  %s %s: %s\n", s.Effect, s.Label(), s.Why())
		}
	}
	for _, s := range tr.Steps {
		fmt.Fprintf(&b, "- %s\n", s.Finding)
	}
	return b.String()
}
