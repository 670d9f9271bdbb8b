// Package policy is the offline AWS's IAM and KMS policy language: it parses
// and validates policy documents the way IAM and KMS do (so MalformedPolicyDocument
// errors read like AWS's), writes them back unchanged in shape, and evaluates
// requests against identity policies and resource (key) policies with AWS's
// rules: explicit deny first, then the allows each kind of resource needs.
//
// The package is pure: no I/O, no clock, no knowledge of which principals exist.
// Callers supply the request context (condition keys) and decide what a principal
// ARN names.
package policy
