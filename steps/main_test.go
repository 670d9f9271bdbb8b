package steps_test

import (
	"os"
	"testing"

	"kmslab/internal/testbin"
)

// TestMain lets more parallel tests run at a time than there are CPUs: the
// AWS CLI tests mostly wait on their processes (testbin.WidenParallel).
func TestMain(m *testing.M) {
	testbin.WidenParallel()
	os.Exit(m.Run())
}
