package cli

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kmslab/sim"
)

// TestRealAWSErrorsAreOneSentence runs the real binary on the real-AWS path
// (the SDK default chain) where it cannot get anywhere: AWS unreachable, an
// access key AWS does not know, no credentials at all with an instance
// metadata service that makes the SDK log a warning. Each must print one
// sentence saying what failed, why and what to do, and nothing else: no SDK
// log line, no SDK error chain, no cleanup advice when nothing was created.
func TestRealAWSErrorsAreOneSentence(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	// The binary gets its environment from each case, so the offline AWS is
	// started without startSimForCLI's t.Setenv, which parallel tests may not use.
	srv, err := sim.Start(context.Background(), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	// A port nothing listens on: bind one, then close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()

	// IMDS that refuses the IMDSv2 token (404): the SDK then logs
	// "WARN falling back to IMDSv1" and finds no role either.
	var imdsCalls atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		imdsCalls.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(imds.Close)

	// The SDK retries a refused connection: the lab's eight attempts with
	// backoff up to 20 s (awsops/retryer.go) are a minute of real time in
	// a process whose clock the test cannot move. Two attempts keep the
	// retry and its wrapping (retry.MaxAttemptsError) in the path to the
	// sentence, with at most 2 s of backoff (the SDK's jitter for attempt 1).
	retryOnce := "AWS_MAX_ATTEMPTS=2"
	cases := []struct {
		name string
		args []string
		env  []string
		want []string
	}{
		{"unreachable", []string{"run", "--aws", "--yes", "--endpoint-url", closed},
			[]string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY=secretsecretsecret", "AWS_REGION=us-east-1", retryOnce},
			[]string{"AWS could not be reached at " + strings.TrimPrefix(closed, "http://"), "refused", "check your network"}},
		{"unknown host", []string{"run", "--aws", "--yes", "--endpoint-url", "http://kmslab-test.invalid"},
			[]string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY=secretsecretsecret", "AWS_REGION=us-east-1"},
			[]string{"AWS could not be reached", "kmslab-test.invalid does not resolve"}},
		{"unknown access key", []string{"run", "--aws", "--yes", "--endpoint-url", srv.URL, "--region", srv.Region},
			[]string{"AWS_ACCESS_KEY_ID=AKIAUNKNOWNUNKNOWN00", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
			[]string{"AWS does not recognise the access key in use", "aws configure"}},
		{"no credentials", []string{"run", "--aws", "--yes", "--endpoint-url", srv.URL, "--region", srv.Region},
			[]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL},
			[]string{"No usable AWS credentials were found", "aws configure"}},
	}
	// The cases' processes are independent: a group waits for all of them
	// before the IMDS check below.
	t.Run("cases", func(t *testing.T) {
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				checkOneSentence(t, bin, tt.args, tt.env, tt.want)
			})
		}
	})
	if imdsCalls.Load() == 0 {
		t.Error("the no-credentials case never reached the instance metadata service, so it tested no SDK log line")
	}
}

// checkOneSentence runs kmslab with args in an environment of env alone and
// checks it fails with one sentence containing each of want, and nothing an
// SDK or a secret would add.
func checkOneSentence(t *testing.T, bin string, args, env, want []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	home := t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_STATE_HOME=" + home,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("kmslab did not fail: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	all := stdout.String() + stderr.String()
	msg := strings.TrimSpace(all)
	if strings.Count(msg, "\n") != 0 {
		t.Errorf("printed %d lines, want one sentence:\n%s", strings.Count(msg, "\n")+1, all)
	}
	if !strings.HasSuffix(msg, ".") || strings.HasSuffix(msg, "..") || strings.Count(msg, ". ") != 0 {
		t.Errorf("not one sentence with one full stop: %q", msg)
	}
	for _, bad := range []string{"SDK", "WARN", "IMDS", "operation error", "StatusCode", "RequestID", "kmslab cleanup", "secretsecret", "wJalrXUtnFEMI"} {
		if strings.Contains(all, bad) {
			t.Errorf("printed %q: %s", bad, all)
		}
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("no %q in %q", w, msg)
		}
	}
}

// TestRegionTypoOneSentence: a misspelt region is named as such before any
// call, not reported as a network failure (AWS's endpoint for it would not
// resolve).
func TestRegionTypoOneSentence(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-not-a-real-secret-0000")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	_, err := runCLI(t, "", "run", "--aws", "--yes", "--region", "us-east1", "--state-dir", t.TempDir())
	if err == nil || err.Error() != "AWS region us-east1 cannot be used: no AWS region is named so; check --region, AWS_REGION or your profile's region (they read like us-east-1)." {
		t.Fatalf("err = %v", err)
	}
}
