package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/awsops/policydoc"
)

// serveBinary runs a real `kmslab serve` process and returns the
// environment its export lines describe (endpoint, region, admin key).
func serveBinary(t *testing.T, bin string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "HOME="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	env := map[string]string{}
	exportRE := regexp.MustCompile(`^\s*export (AWS_[A-Z_]+)=(.*)$`)
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "Ctrl-C") {
		if m := exportRE.FindStringSubmatch(sc.Text()); m != nil {
			val := m[2]
			if path, ok := strings.CutPrefix(val, `"$(cat `); ok {
				b, err := os.ReadFile(strings.TrimSuffix(path, `)"`))
				if err != nil {
					t.Fatal(err)
				}
				val = string(b)
			}
			env[m[1]] = val
		}
	}
	go func() { _, _ = bufio.NewReader(out).WriteTo(discard{}) }()
	if len(env) != 5 {
		t.Fatalf("serve exported %v", keys(env))
	}
	return env
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestExplainAgainstServe sets up the lab's denial on a real `kmslab serve`
// and runs `kmslab explain` on it as a separate process: as the admin it
// prints the trace (text and JSON); as a user who may read almost nothing it
// names each document it could not read.
func TestExplainAgainstServe(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	env := serveBinary(t, bin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := aws.Config{Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")}
	ic, kc := iam.NewFromConfig(cfg), kms.NewFromConfig(cfg)
	for _, u := range []string{"bob", "reader"} {
		if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("describe"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:DescribeKey","iam:GetUser"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	rk, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	acct := aws.ToString(key.KeyMetadata.AWSAccountId)
	if _, err := kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/explained"), TargetKeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}

	run := func(id, secret string, extra ...string) (string, error) {
		args := append([]string{"explain", "--endpoint-url", env["AWS_ENDPOINT_URL"], "--region", env["AWS_REGION"],
			"--principal", "bob", "--action", "kms:Decrypt", "--key", "alias/explained", "--via", "dynamodb"}, extra...)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret,
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PROFILE=", "AWS_ENDPOINT_URL=", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if strings.Contains(string(out), secret) {
			t.Fatal("explain printed a secret access key")
		}
		return string(out), err
	}

	out, err := run(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Decision: denied by default (implicit deny)",
		"through dynamodb." + env["AWS_REGION"] + ".amazonaws.com",
		`"Enable IAM User Permissions"`,
		"names the account: IAM policies decide",
		"Managed policy AmazonDynamoDBFullAccess: no statement applies",
		"None of the caller's IAM policies allows kms:Decrypt on this resource.",
		"IAM's policy simulator agrees.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}

	// With serve's export lines pasted: AWS_ENDPOINT_URL alone, as the help says.
	cmd := exec.CommandContext(ctx, bin, "explain", "--region", env["AWS_REGION"], "--principal", "bob", "--key", "alias/explained")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY="+env["AWS_SECRET_ACCESS_KEY"],
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PROFILE=", "AWS_ENDPOINT_URL="+env["AWS_ENDPOINT_URL"], "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "Decision:") {
		t.Errorf("explain with AWS_ENDPOINT_URL only: %v\n%s", err, b)
	}

	out, err = run(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "--json")
	if err != nil {
		t.Fatalf("explain --json: %v\n%s", err, out)
	}
	var tr struct {
		Decision, Reason string
		Policies         []struct{ Kind, Name string }
	}
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("explain --json is not JSON: %v\n%s", err, out)
	}
	if tr.Decision != "NoDecision" || tr.Reason != "NoIdentityAllow" || len(tr.Policies) != 2 || tr.Policies[0].Kind != "key policy" {
		t.Errorf("JSON trace %+v", tr)
	}

	// A role session, allowed by the role's inline policy through the
	// default key policy's account statement; the later --principal wins.
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("decrypt"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	session := "arn:aws:sts::" + acct + ":assumed-role/app/s1"
	out, err = run(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "--principal", session)
	if err != nil {
		t.Fatalf("explain a role session: %v\n%s", err, out)
	}
	for _, want := range []string{"kms:Decrypt by " + session, "Decision: allowed", "Inline policy decrypt: a statement allows it", "CallerArn"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain of a role session lacks %q:\n%s", want, out)
		}
	}

	out, err = run(aws.ToString(rk.AccessKey.AccessKeyId), aws.ToString(rk.AccessKey.SecretAccessKey))
	if err != nil {
		t.Fatalf("explain as reader: %v\n%s", err, out)
	}
	for _, want := range []string{"Not read (this trace may be incomplete):", "may not call kms:GetKeyPolicy",
		"no permission for iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "kms:ListGrants", "iam:SimulatePrincipalPolicy"} {
		if !strings.Contains(out, want) {
			t.Errorf("reader's explain lacks %q:\n%s", want, out)
		}
	}
}

// TestExplainTableAgainstServe: explain --table traces DynamoDB's own
// decision on a table through its resource-based policy: a user with no
// IAM policy, named by the table policy, may describe the table, and the
// trace says the table policy decided.
func TestExplainTableAgainstServe(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	env := serveBinary(t, bin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := aws.Config{Region: env["AWS_REGION"], BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], "")}
	ic, ddb := iam.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)
	u, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("explained"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest})
	if err != nil {
		t.Fatal(err)
	}
	tableARN := aws.ToString(tbl.TableDescription.TableArn)
	explain := func(action string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, "explain", "--endpoint-url", env["AWS_ENDPOINT_URL"], "--region", env["AWS_REGION"],
			"--principal", "carol", "--table", "explained", "--action", action)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY="+env["AWS_SECRET_ACCESS_KEY"],
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PROFILE=", "AWS_ENDPOINT_URL=", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("explain --table: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := explain("dynamodb:DescribeTable"); !strings.Contains(out, "Decision: denied by default (implicit deny)") {
		t.Errorf("explain without a table policy:\n%s", out)
	}
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(policydoc.TablePolicy("LetCarolIn", aws.ToString(u.User.Arn), tableARN, []string{"dynamodb:DescribeTable"}))}); err != nil {
		t.Fatal(err)
	}
	out := explain("dynamodb:DescribeTable")
	for _, want := range []string{
		"dynamodb:DescribeTable by " + aws.ToString(u.User.Arn) + "\non " + tableARN,
		"Decision: allowed",
		`Statement "LetCarolIn" in the resource policy names the caller: it allows by itself.`,
		"Resource policy: a statement allows it",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain --table lacks %q:\n%s", want, out)
		}
	}
	if out := explain("dynamodb:Scan"); !strings.Contains(out, "Decision: denied by default (implicit deny)") {
		t.Errorf("explain of an action the table policy does not list:\n%s", out)
	}
}
