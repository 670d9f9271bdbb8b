package awsops

// ConsolePolicy is the key policy part 1 creates (the console's default with
// principal as Key Administrator and Key User). It is exported so that the
// AWS CLI commands a step shows write the very document the lab writes.
func ConsolePolicy(partition, account, principal string) string {
	return consolePolicy(partition, account, principal)
}

// WithKeyUser returns policy with principal added to its "Allow use of the
// key" statement, as part 6 changes it.
func WithKeyUser(policy, principal string) (string, error) {
	out, _, err := addKeyUser(policy, principal)
	return out, err
}
