package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"kmslab/internal/simtest"
	"kmslab/sim"
)

func startSimForCLI(t *testing.T) *sim.Server {
	t.Helper()
	srv, err := sim.Start(context.Background(), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	return srv
}

// TestRunOnEndpoint: `kmslab run --endpoint-url` takes the real-AWS path (SDK
// default chain, preflight, run ledger) and leaves no ledger behind.
func TestRunOnEndpoint(t *testing.T) {
	srv := startSimForCLI(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.Admin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Admin.SecretAccessKey)
	state := t.TempDir()
	out, err := runCLI(t, "", "run", "--endpoint-url", srv.URL, "--region", srv.Region, "--state-dir", state)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "custom endpoint") || !strings.Contains(out, "behaved as on AWS") {
		t.Fatalf("output:\n%s", out)
	}
	if strings.Contains(out, srv.Admin.SecretAccessKey) {
		t.Fatal("run printed the admin secret")
	}
	ledgers, _ := filepath.Glob(filepath.Join(state, "runs", "*.json"))
	if len(ledgers) != 0 {
		t.Fatalf("ledgers left after a complete run: %v", ledgers)
	}
}

// TestPreflightListsMissingPermissions: a caller who may not do the lab is told
// what is missing before anything is created.
func TestPreflightListsMissingPermissions(t *testing.T) {
	srv := startSimForCLI(t)
	ctx := context.Background()
	admin := iam.NewFromConfig(aws.Config{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, "")})
	_, key := simtest.CreateUser(ctx, t, admin, simtest.User{Name: "limited", Managed: []string{"AmazonDynamoDBFullAccess"},
		Inline: map[string]string{"sim": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","iam:GetUser"],"Resource":"*"}]}`}})
	t.Setenv("AWS_ACCESS_KEY_ID", aws.ToString(key.AccessKeyId))
	t.Setenv("AWS_SECRET_ACCESS_KEY", aws.ToString(key.SecretAccessKey))
	state := t.TempDir()
	out, err := runCLI(t, "", "run", "--endpoint-url", srv.URL, "--region", srv.Region, "--state-dir", state)
	if err == nil {
		t.Fatalf("run with a limited user succeeded:\n%s", out)
	}
	for _, want := range []string{"kms:CreateKey", "iam:CreateUser", "nothing was created"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(state, "runs")); len(entries) != 0 {
		t.Fatalf("a ledger was written before the preflight passed")
	}
}

// TestUnknownCredentialsOneSentence: a key the endpoint does not know gives one
// clear sentence, not a stack of SDK errors.
func TestUnknownCredentialsOneSentence(t *testing.T) {
	srv := startSimForCLI(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-not-a-real-secret-0000")
	_, err := runCLI(t, "", "run", "--endpoint-url", srv.URL, "--region", srv.Region, "--state-dir", t.TempDir())
	if err == nil || strings.Contains(err.Error(), "operation error") || strings.Count(err.Error(), ".") > 3 {
		t.Fatalf("want one clear sentence, got: %v", err)
	}
	if strings.Contains(err.Error(), "not-a-real-secret") {
		t.Fatal("the error shows the secret")
	}
	t.Log(err)
}

func TestRunAWSNeedsYes(t *testing.T) {
	_, err := runCLI(t, "", "run", "--aws")
	if err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("run --aws without --yes: %v", err)
	}
}
