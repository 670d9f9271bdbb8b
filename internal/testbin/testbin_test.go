package testbin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSourceKey: the cache key changes with whatever the build reads and
// with nothing else, so a stale binary is never reused and a test edit
// costs no rebuild.
func TestSourceKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		file    string
		changes bool
	}{
		{"a Go file", "main.go", true},
		{"an embedded text", "steps/text/part1.md", true},
		{"go.sum", "go.sum", true},
		{"a new file", "awsops/new.go", true},
		{"a test", "main_test.go", false},
		{"a new test", "awsops/new_test.go", false},
		{"version control", ".git/index", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			for _, f := range []string{"main.go", "main_test.go", "go.sum", "steps/text/part1.md", ".git/index"} {
				write(t, filepath.Join(root, f), "before")
			}
			before, err := sourceKey(root)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(root, tt.file), "after")
			after, err := sourceKey(root)
			if err != nil {
				t.Fatal(err)
			}
			if (before != after) != tt.changes {
				t.Errorf("changing %s: key %s -> %s, want a change: %v", tt.file, before, after, tt.changes)
			}
		})
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPrunable: the cache drops what nobody has used for an hour, and
// beyond its most recent entries what no test run can still be holding.
func TestPrunable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	var many []entry
	for i := range keep + 2 {
		many = append(many, entry{fmt.Sprintf("e%02d", i), ago(time.Duration(i) * 30 * time.Second)})
	}
	for _, tt := range []struct {
		name    string
		entries []entry
		want    []string
	}{
		{"nothing old", []entry{{"a", ago(time.Minute)}, {"b", ago(59 * time.Minute)}}, nil},
		{"unused for an hour", []entry{{"a", ago(time.Minute)}, {"b", ago(time.Hour)}}, []string{"b"}},
		{"beyond keep, recent: may be in use", many, nil},
		{"within keep, idle under an hour", []entry{{"a", ago(50 * time.Minute)}}, nil},
		{"beyond keep, idle", append(slices.Clone(many), entry{"old", ago(11 * time.Minute)}), []string{"old"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := prunable(slices.Clone(tt.entries), now); !slices.Equal(got, tt.want) {
				t.Errorf("prunable = %v, want %v", got, tt.want)
			}
		})
	}
}
