// Package testbin builds the kmslab binary once per test process, for tests
// that must run the real program (pipes, signals, a pseudo-terminal).
package testbin

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	once sync.Once
	dir  string
	path string
	err  error
)

// Kmslab returns the path of a freshly built kmslab, building it on first use
// from the module root. Call Cleanup from TestMain to remove it.
func Kmslab(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		var gomod []byte
		gomod, err = exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		if dir, err = os.MkdirTemp("", "kmslab-test-bin-"); err != nil {
			return
		}
		path = filepath.Join(dir, "kmslab")
		cmd := exec.Command("go", "build", "-o", path, ".")
		cmd.Dir = root
		if out, berr := cmd.CombinedOutput(); berr != nil {
			err = errors.New("go build: " + berr.Error() + "\n" + string(out))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Main is TestMain for the packages that use Kmslab: it runs the tests, then
// removes the binary.
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// KmslabUnlessShort is Kmslab, skipping the test under -short, which is for
// the tests that build no program; why says what the test would build and run.
func KmslabUnlessShort(t testing.TB, why string) string {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
	return Kmslab(t)
}

// Cleanup removes the built binary, if any.
func Cleanup() {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
