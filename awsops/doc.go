// Package awsops performs every AWS call of the kmslab walkthrough through
// aws-sdk-go-v2 and returns typed results a user interface can render.
//
// The same code runs against a real account and against any compatible
// endpoint (the offline AWS included): only the aws.Config differs. Before a
// resource is created it is written to a run ledger on disk, so that an
// interrupted run can always be cleaned up later. Waits for eventual
// consistency (new access keys, new key-policy principals, tables becoming
// ACTIVE) retry with backoff under a deadline and report progress; they never
// sleep for a fixed time.
package awsops
