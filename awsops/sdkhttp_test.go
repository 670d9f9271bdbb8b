package awsops

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kmslab/internal/sdkhttp"
)

// TestLabClientsAreGuarded: every client the lab builds carries the SDK race
// fix, so a retried call never repeats work the server already did.
func TestLabClientsAreGuarded(t *testing.T) {
	l, err := New(aws.Config{Region: "us-east-1"}, Options{RunID: "guard1", DisableLedger: true})
	if err != nil {
		t.Fatal(err)
	}
	if !sdkhttp.Guarded(l.cfg) {
		t.Fatal("the lab's aws.Config lacks sdkhttp.Guard")
	}
}
