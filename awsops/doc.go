// Package awsops performs every AWS call of the kmslab walkthrough through
// aws-sdk-go-v2 and returns typed results a user interface can render: the
// lab's session (Lab), the calls its steps make, and the building blocks of
// its experiments.
//
// The same code runs against a real account and against any compatible
// endpoint (the offline AWS included): only the aws.Config differs. Before a
// resource is created it is written to the run's ledger (awsops/ledger), so
// that an interrupted run can always be cleaned up later. Waits for eventual
// consistency (new access keys, new key-policy principals, tables becoming
// ACTIVE) retry with backoff under a deadline and report progress; they never
// sleep for a fixed time.
//
// Its sub-packages do one job each and never import it: ledger (what a run
// created, its names, cleanup and leftovers), policydoc (policy documents,
// their edits and diff), explain (why a request is allowed or refused, by
// the local trace and IAM's policy simulator), awserr (a failure in one
// sentence) and partition (ARNs and endpoint names by partition).
package awsops
