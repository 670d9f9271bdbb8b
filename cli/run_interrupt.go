package cli

// interruptedVerdict is the last word of a run stopped by Ctrl-C (or SIGTERM).
// It speaks of the cleanup that ran after the interruption, which is the one
// that counts: a cleanup step cut short by the same Ctrl-C failed only
// because it was interrupted, and what it left the cleanup after it removed.
func interruptedVerdict(cleanedUp bool) string {
	if cleanedUp {
		return "the lab was interrupted before it finished; everything it created was cleaned up"
	}
	return "the lab was interrupted before it finished, and some of what it created is left: run kmslab cleanup"
}
