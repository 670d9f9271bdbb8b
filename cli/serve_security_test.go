package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoopbackAddresses: only literal loopback IPs and the name "localhost"
// pass; other names, wildcard, link-local and zoned addresses do not.
func TestLoopbackAddresses(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:1", true},
		{"127.255.0.9:1", true},
		{"[::1]:1", true},
		{"[::ffff:127.0.0.1]:1", true},
		{"localhost:1", true},
		{"LOCALHOST:1", false},
		{"localhost.:1", false},
		{"127.0.0.1.nip.io:1", false},
		{"loopback.example:1", false},
		{"[::]:1", false},
		{"0.0.0.0:1", false},
		{"[fe80::1%lo]:1", false},
		{"[::1%lo]:1", false},
		{"[::ffff:10.0.0.1]:1", false},
		{"127.0.0.1", false},
		{":1", false},
	}
	for _, tc := range tests {
		_, err := checkLoopback(tc.addr, false)
		if (err == nil) != tc.ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", tc.addr, err, tc.ok)
		}
	}
}

// TestWriteSecretIsPrivateAndFresh: the secret file is always created anew
// with mode 0600, replacing a stale or loose file, and never writes through a
// symlink planted at its path.
func TestWriteSecretIsPrivateAndFresh(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "serve-x.secret")

	// A stale world-readable file from a crashed run.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writeSecret(path, "new-secret"); err != nil {
		t.Fatal(err)
	}
	checkSecretFile(t, path, "new-secret")

	// A symlink pointing at a file someone wants overwritten.
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if _, err := writeSecret(path, "third"); err != nil {
		t.Fatal(err)
	}
	checkSecretFile(t, path, "third")
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the symlink's target was written: %q", b)
	}
}

func checkSecretFile(t *testing.T, path, want string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want a regular 0600 file", fi.Mode())
	}
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("secret file holds %q, want %q", b, want)
	}
}

func TestPrivateDirTightensMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "kmslab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %v, want 0700", fi.Mode().Perm())
	}
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(file); err == nil {
		t.Error("a file accepted as the state dir")
	}
}

func TestSecretFileNamePerAddress(t *testing.T) {
	a := secretFileName("http://127.0.0.1:4566")
	b := secretFileName("http://127.0.0.2:4566")
	c := secretFileName("http://[::1]:4566")
	if a == b || a == c || b == c {
		t.Errorf("secret files collide: %s %s %s", a, b, c)
	}
	for _, n := range []string{a, b, c} {
		if strings.ContainsAny(n, "/[]:%") {
			t.Errorf("secret file name %q has path or shell characters", n)
		}
	}
}

// TestServeSecretLifecycle: a generated secret lives in a 0600 file in a 0700
// directory while serving, never shows in the output, and is removed when
// serve stops. (A supplied one gets no file: TestServeSuppliedSecretNoFile.)
func TestServeSecretLifecycle(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv(secretEnv, "")
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	f := &serveFlags{addr: "127.0.0.1:0", accountID: "111122223333"}
	go func() { done <- serve(ctx, &out, &errOut, f, "us-east-1", nil) }()

	dir := filepath.Join(state, "kmslab")
	var files []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		files, _ = filepath.Glob(filepath.Join(dir, "serve-*.secret"))
		if len(files) == 1 && strings.Contains(out.String(), "Ctrl-C") {
			break
		}
	}
	if len(files) != 1 {
		cancel()
		t.Fatalf("secret files %v; output:\n%s", files, out.String())
	}
	b, err := os.ReadFile(files[0])
	if err != nil || len(b) != 40 {
		t.Fatalf("secret file holds %d bytes (%v), want a 40-character secret", len(b), err)
	}
	secret := string(b)
	checkSecretFile(t, files[0], secret)
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %v", fi.Mode().Perm())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(files[0]); !os.IsNotExist(err) {
		t.Errorf("secret file left behind after stop: %v", err)
	}
	all := out.String() + errOut.String()
	if strings.Contains(all, secret) {
		t.Errorf("serve printed the secret:\n%s", all)
	}
}

// TestSessionConfigFormatsWithoutSecret: the offline session's aws.Config,
// printed any way, does not show the admin's secret.
func TestSessionConfigFormatsWithoutSecret(t *testing.T) {
	sess, err := openSession(context.Background(), &globals{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	secret := sess.srv.Admin.SecretAccessKey
	c, err := sess.cfg.Credentials.Retrieve(context.Background())
	if err != nil || c.SecretAccessKey != secret {
		t.Fatalf("the provider must still hand the SDK the secret: %v", err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		for _, v := range []any{sess.cfg, sess, *sess} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, secret) {
				t.Errorf("%s of %T prints the secret", verb, v)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
