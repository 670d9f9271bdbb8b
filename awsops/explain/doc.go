// Package explain tells why AWS allows or refuses a request: it reads the
// documents behind a KMS decision on a key, or a DynamoDB decision on a
// table (key policy, grants, key state, the caller's identity policies, a
// table's resource-based policy) through the API, evaluates them with the
// policy engine the offline AWS enforces with (kmslab/policy), and asks
// IAM's policy simulator the same question for comparison. It changes
// nothing.
package explain
