// Package testbin gives tests the programs they run as separate processes:
// the kmslab binary (for pipes, signals, a pseudo-terminal, `kmslab serve`
// outside the race detector) and the AWS CLIs, and says how broad the slow
// checks are (Full).
package testbin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	once sync.Once
	path string
	err  error
)

// Kmslab returns the path of a kmslab built from the module's current
// sources. The packages of one `go test ./...` share it: it is built once
// into a cache under os.TempDir keyed by a hash of everything the build
// reads (the module's files but its tests, the Go version and the build's
// environment), so a later package, or a later run with unchanged sources,
// finds it built.
func Kmslab(t testing.TB) string {
	t.Helper()
	once.Do(func() { path, err = cachedBuild() })
	if err != nil {
		t.Fatal(err)
	}
	return path
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

// cacheDir holds one directory per source hash, each with one kmslab.
func cacheDir() string { return filepath.Join(os.TempDir(), "kmslab-testbin") }

// Each entry is a 30 MB binary, and every edit of a non-test file makes a
// new one: an entry goes once unused for staleAfter, or sooner, once unused
// for inUse, beyond the keep most recently used. Other checkouts of the
// module on this machine (each its own hashes) may be using theirs, and a
// test run holds its path for at most a few minutes.
const (
	staleAfter = time.Hour
	inUse      = 10 * time.Minute
	keep       = 16
)

func cachedBuild() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", errors.New("go env GOMOD: " + err.Error())
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	key, err := sourceKey(root)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cacheDir(), key)
	bin := filepath.Join(dir, "kmslab")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// Packages of one run start together: the first builds, the others wait
	// on the lock and then find the binary.
	unlock, err := lock(filepath.Join(dir, "lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		_ = os.Chtimes(dir, now, now) // in use: not stale
		return bin, nil
	}
	tmp := bin + ".tmp"
	cmd := exec.Command("go", "build", "-o", tmp, ".")
	cmd.Dir = root
	if out, berr := cmd.CombinedOutput(); berr != nil {
		return "", errors.New("go build: " + berr.Error() + "\n" + string(out))
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	prune(key)
	return bin, nil
}

// sourceKey hashes what decides the binary: the Go toolchain and build
// environment, and the path and content of every file of the module but
// its tests (embedded texts included) and version control's.
func sourceKey(root string) (string, error) {
	h := sha256.New()
	for _, kv := range []string{runtime.Version(), runtime.GOOS, runtime.GOARCH, root,
		os.Getenv("GOFLAGS"), os.Getenv("CGO_ENABLED"), os.Getenv("GOEXPERIMENT")} {
		_, _ = io.WriteString(h, kv+"\x00")
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || (p != root && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(root, p)
		_, _ = io.WriteString(h, rel+"\x00")
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "", errors.New("hash the sources: " + err.Error())
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// prune removes the entries nobody uses any more, by prunable.
func prune(current string) {
	entries, err := os.ReadDir(cacheDir())
	if err != nil {
		return
	}
	var used []entry
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.Name() != current {
			used = append(used, entry{e.Name(), info.ModTime()})
		}
	}
	for _, name := range prunable(used, time.Now()) {
		_ = os.RemoveAll(filepath.Join(cacheDir(), name))
	}
}

// entry is a cache entry and when it was last used.
type entry struct {
	name string
	used time.Time
}

// prunable names the entries unused for staleAfter, and those beyond the
// keep most recently used that are unused for inUse.
func prunable(entries []entry, now time.Time) []string {
	slices.SortFunc(entries, func(a, b entry) int { return b.used.Compare(a.used) })
	var out []string
	for i, e := range entries {
		idle := now.Sub(e.used)
		if idle >= staleAfter || (i >= keep && idle >= inUse) {
			out = append(out, e.name)
		}
	}
	return out
}
