package cli

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kmslab/internal/testbin"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		addr     string
		allow    bool
		wantErr  bool
		wantWarn bool
	}{
		{"127.0.0.1:4566", false, false, false},
		{"localhost:4566", false, false, false},
		{"[::1]:4566", false, false, false},
		{"127.1.2.3:0", false, false, false},
		{"0.0.0.0:4566", false, true, false},
		{"192.168.1.10:4566", false, true, false},
		{"0.0.0.0:4566", true, false, true},
		{":4566", false, true, false},
		{"no-port", false, true, false},
	}
	for _, tt := range tests {
		warn, err := checkLoopback(tt.addr, tt.allow)
		if (err != nil) != tt.wantErr || (warn != "") != tt.wantWarn {
			t.Errorf("checkLoopback(%q, %v) = %q, %v; want err %v warn %v", tt.addr, tt.allow, warn, err, tt.wantErr, tt.wantWarn)
		}
	}
}

// startServe runs `kmslab serve` in-process on a free port and returns the
// environment its export lines describe, and everything it printed.
func startServe(t *testing.T, extra ...string) (env []string, printed func() string) {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	return startServeAt(t, "127.0.0.1:0", extra...)
}

// startServeAt is startServe on addr with the caller's XDG_STATE_HOME. A
// secret supplied by --admin-secret-access-key is exported as a placeholder.
func startServeAt(t *testing.T, addr string, extra ...string) (env []string, printed func() string) {
	t.Helper()
	flagSecret := ""
	for i, a := range extra {
		if a == "--admin-secret-access-key" && i+1 < len(extra) {
			flagSecret = extra[i+1]
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	root := newRoot()
	root.SetArgs(append([]string{"serve", "--addr", addr, "--key-cache-ttl", "0"}, extra...))
	root.SetOut(pw)
	root.SetErr(pw)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx); _ = pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("serve did not stop on cancel")
		}
	})

	env, printed = readServeEnv(t, pr, flagSecret)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return env, printed
}

// readServeEnv reads serve's output up to its "Ctrl-C" line and returns the
// environment its export lines describe (the secret read from its file, or
// flagSecret where serve printed a placeholder for a secret given by flag),
// and everything it printed.
func readServeEnv(t *testing.T, r io.Reader, flagSecret string) (env []string, printed func() string) {
	t.Helper()
	var all strings.Builder
	exportRE := regexp.MustCompile(`^\s*export (AWS_[A-Z_]+)=(.*)$`)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		all.WriteString(line + "\n")
		if m := exportRE.FindStringSubmatch(line); m != nil {
			val := m[2]
			if strings.HasPrefix(val, `"$(cat `) {
				path := strings.TrimSuffix(strings.TrimPrefix(val, `"$(cat `), `)"`)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("secret file: %v", err)
				}
				if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
					t.Errorf("secret file mode %v, want 0600", fi.Mode().Perm())
				}
				val = string(b)
			}
			switch {
			case val == `"$`+secretEnv+`"`:
				val = os.Getenv(secretEnv)
			case m[1] == "AWS_SECRET_ACCESS_KEY" && strings.HasPrefix(val, "'<"):
				val = flagSecret
			}
			env = append(env, m[1]+"="+val)
		}
		if strings.Contains(line, "Ctrl-C") {
			break
		}
	}
	if len(env) != 5 {
		t.Fatalf("serve printed %d export lines, want 5:\n%s", len(env), all.String())
	}
	return env, all.String
}

func TestServePrintsEnvWithoutSecret(t *testing.T) {
	env, printed := startServe(t, "--admin-access-key-id", "AKIAEXAMPLEEXAMPLE12", "--admin-secret-access-key", "s3cr3t/value+that/must+never+show12345678")
	out := printed()
	if strings.Contains(out, "s3cr3t/value") {
		t.Fatalf("serve printed the secret access key:\n%s", out)
	}
	// Debian 12's AWS CLI (2.9) ignores AWS_ENDPOINT_URL: serve says what to add.
	if !strings.Contains(out, `--endpoint-url "$AWS_ENDPOINT_URL"`) {
		t.Errorf("serve does not tell older AWS CLIs how to reach it:\n%s", out)
	}
	// AWS_DEFAULT_REGION too: AWS CLI v1 reads no other.
	want := map[string]bool{"AWS_ENDPOINT_URL": false, "AWS_REGION": false, "AWS_DEFAULT_REGION": false, "AWS_ACCESS_KEY_ID": false, "AWS_SECRET_ACCESS_KEY": false}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = true
		if k == "AWS_SECRET_ACCESS_KEY" && v != "s3cr3t/value+that/must+never+show12345678" {
			t.Errorf("secret file holds the wrong secret")
		}
		if k == "AWS_ACCESS_KEY_ID" && v != "AKIAEXAMPLEEXAMPLE12" {
			t.Errorf("access key id %q", v)
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no export line for %s", k)
		}
	}
}

// A secret the user supplied is never written to a file (by flag or by
// environment), and a file a killed serve left on the same address is removed
// at start.
func TestServeSuppliedSecretNoFile(t *testing.T) {
	const secret = "s3cr3t/value+that/must+never+show12345678"
	for _, how := range []string{"flag", "env"} {
		t.Run(how, func(t *testing.T) {
			state := t.TempDir()
			t.Setenv("XDG_STATE_HOME", state)
			addr := freeAddr(t)
			stale := filepath.Join(state, "kmslab", secretFileName("http://"+addr))
			if err := os.MkdirAll(filepath.Dir(stale), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(stale, []byte("old-secret"), 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"--admin-access-key-id", "AKIAEXAMPLEEXAMPLE12"}
			if how == "flag" {
				args = append(args, "--admin-secret-access-key", secret)
			} else {
				t.Setenv(secretEnv, secret)
			}
			env, printed := startServeAt(t, addr, args...)
			if strings.Contains(printed(), secret) {
				t.Fatal("serve printed the secret")
			}
			if !slices.Contains(env, "AWS_SECRET_ACCESS_KEY="+secret) {
				t.Errorf("export lines do not lead to the supplied secret: %q", env)
			}
			entries, err := os.ReadDir(filepath.Dir(stale))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".secret") {
					t.Errorf("secret file %s exists with a supplied secret", e.Name())
				}
			}
		})
	}
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// TestAWSCLILab runs scripts/awscli-lab.sh, the whole lab with the AWS CLI,
// unchanged, against `kmslab serve`, with every AWS CLI version on the machine.
func TestAWSCLILab(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI many times")
	}
	testbin.CIOnly(t, "scripts/awscli-lab.sh")
	t.Parallel()
	bin := kmslabBinary(t)
	for _, cli := range testbin.AWSCLIs(t) {
		awsBin, name := cli.Path, cli.Version
		t.Run(cli.Name(), func(t *testing.T) {
			t.Parallel() // each CLI runs against its own serve process
			env := startServeBinary(t, bin)
			script, _ := filepath.Abs("../scripts/awscli-lab.sh")
			cmd := exec.Command("bash", script)
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PATH=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			// Put the chosen CLI first on PATH so the script's plain `aws` runs it.
			binDir := t.TempDir()
			if err := os.Symlink(awsBin, filepath.Join(binDir, "aws")); err != nil {
				t.Fatal(err)
			}
			cmd.Env = append(cmd.Env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "RUN_ID=clitest")
			cmd.Env = append(cmd.Env, env...)
			out, err := cmd.CombinedOutput()
			for _, kv := range env {
				if secret, ok := strings.CutPrefix(kv, "AWS_SECRET_ACCESS_KEY="); ok && strings.Contains(string(out), secret) {
					t.Error("the AWS CLI run printed the admin secret")
				}
			}
			if err != nil {
				t.Fatalf("awscli-lab.sh with %s failed: %v\n%s", name, err, out)
			}
			if !strings.Contains(string(out), "PASS") {
				t.Fatalf("no PASS line:\n%s", out)
			}
		})
	}
}
