package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/sim"
)

// runCLI runs the kmslab command line in-process with args and stdin.
func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestCleanupCommand: an abandoned run on an AWS endpoint is listed by
// `kmslab cleanup`, untouched by a dry run or a "no", removed by --yes, and
// nothing is left afterwards.
func TestCleanupCommand(t *testing.T) {
	ctx := context.Background()
	srv, err := sim.Start(ctx, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	state := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", srv.Admin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.Admin.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")

	cfg := aws.Config{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, "")}
	lab, err := awsops.New(cfg, awsops.Options{RunID: "abandoned1longrunid2", StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lab.CreateKey(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.CreateEncryptedTable(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := lab.CreateTestUser(ctx); err != nil {
		t.Fatal(err)
	}
	// The run is abandoned here, as after a crash.

	common := []string{"cleanup", "--endpoint-url", srv.URL, "--region", srv.Region, "--state-dir", state}
	out, err := runCLI(t, "", append(common, "--dry-run")...)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, want := range []string{"kmslab-abandoned1longrunid2", "kmslab-user-abandoned1longrunid2", "alias/kmslab-abandoned1longrunid2", "Dry run"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, srv.Admin.SecretAccessKey) {
		t.Fatal("cleanup printed the secret access key")
	}
	checkLastColumnAligned(t, out, regexp.MustCompile(`  (ledger|tags)`))

	out, err = runCLI(t, "n\n", append(common, "--dry-run=false")...)
	if err != nil || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("answering no: %v\n%s", err, out)
	}
	if left, _ := ledger.Leftovers(ctx, cfg, state); len(left) == 0 {
		t.Fatal("a dry run or a 'no' removed resources")
	}

	out, err = runCLI(t, "", append(common, "--yes")...)
	if err != nil || !strings.Contains(out, "All cleaned up") {
		t.Fatalf("cleanup --yes: %v\n%s", err, out)
	}
	// The listing, then what happened to each, in the same columns.
	checkLastColumnAligned(t, out, regexp.MustCompile(`  (ledger|tags|deleted|detached|scheduled|already)`))
	left, err := ledger.Leftovers(ctx, cfg, state)
	if err != nil || len(left) != 0 {
		t.Fatalf("left after cleanup: %v %v", left, err)
	}
	out, err = runCLI(t, "", append(common, "--yes")...)
	if err != nil || !strings.Contains(out, "Nothing left behind") {
		t.Fatalf("second cleanup: %v\n%s", err, out)
	}
}

// checkLastColumnAligned checks that in every table row of out (a line
// indented two spaces) the last column, found by lastCol, starts at the
// same column, with names of any length before it.
func checkLastColumnAligned(t *testing.T, out string, lastCol *regexp.Regexp) {
	t.Helper()
	at, rows := -1, 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		loc := lastCol.FindStringIndex(line)
		if loc == nil {
			t.Errorf("table row without its last column: %q", line)
			continue
		}
		rows++
		if at == -1 {
			at = loc[0]
		} else if loc[0] != at {
			t.Errorf("last column at %d, not %d, in %q\n%s", loc[0], at, line, out)
		}
	}
	if rows < 4 {
		t.Errorf("%d table rows, want the key, alias, table, user and more:\n%s", rows, out)
	}
}

func TestCleanupColumns(t *testing.T) {
	cols := columnsFor([]ledger.Leftover{{Kind: "kms key", Name: "k"}, {Kind: "policy attachment", Name: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}})
	for _, tt := range []struct{ kind, name, rest, want string }{
		{"kms key", "k", "ledger", "  kms key            k                                                 ledger"},
		{"policy attachment", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "tags",
			"  policy attachment  arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess  tags"},
		{"kms key", "k", "", "  kms key            k"},
	} {
		if got := cols.row(tt.kind, tt.name, tt.rest); got != tt.want {
			t.Errorf("row(%q, %q, %q)\n got %q\nwant %q", tt.kind, tt.name, tt.rest, got, tt.want)
		}
	}
}
