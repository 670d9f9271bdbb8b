package cli

import (
	"fmt"
	"os"
	"testing"

	"kmslab/internal/testbin"
)

// TestMain gives the package a state home of its own ($XDG_STATE_HOME, where
// run ledgers and serve's secret files go), so no test touches the
// developer's, and the offline runs, which write none, can run in parallel
// instead of each setting it with t.Setenv. The AWS CLI suites wait on
// their processes: more of them run at a time (testbin.WidenParallel).
func TestMain(m *testing.M) {
	testbin.WidenParallel()
	dir, err := os.MkdirTemp("", "kmslab-cli-test-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
