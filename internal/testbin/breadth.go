package testbin

import (
	"os"
	"testing"
)

// FullEnv is the variable that asks for the whole breadth of the slow
// checks; .ci/run sets it. KMSLAB_ALL_AWS_CLIS, its older name, which only
// asked for every AWS CLI, still counts.
const FullEnv = "KMSLAB_FULL_TESTS"

// Full reports whether this run checks the whole breadth CI checks: every
// AWS CLI version on the machine, every identity mode pasted through a CLI,
// every seed of the realistic mode. A local run checks one of each and
// covers the rest in-process, where it is cheap.
func Full() bool {
	return os.Getenv(FullEnv) != "" || os.Getenv("KMSLAB_ALL_AWS_CLIS") != ""
}

// Breadth returns full when Full() and local otherwise, and says in t's
// log which one the test runs and how to get the other, so a log never
// leaves the reader guessing what was checked.
func Breadth[T any](t testing.TB, what string, full, local T) T {
	t.Helper()
	if Full() {
		t.Logf("%s: %v (%s set: CI's breadth)", what, full, FullEnv)
		return full
	}
	t.Logf("%s: %v (local breadth; %s=1 runs %v, as CI does)", what, local, FullEnv, full)
	return local
}

// CIOnly skips t unless Full(): for the AWS CLI suites whose hundreds of
// Python start-ups are most of a local run's CPU (some 90 s of it on two
// cores), and whose paths a local run still crosses through the pasted
// commands (TestCopiedCommandsRunAsPasted) and SDK clients against the
// same server. CI runs them whole, with every CLI version.
func CIOnly(t testing.TB, what string) {
	t.Helper()
	if !Full() {
		t.Skipf("%s runs in CI only (%s=1 runs it here)", what, FullEnv)
	}
	t.Logf("%s: %s set: CI's breadth", what, FullEnv)
}
