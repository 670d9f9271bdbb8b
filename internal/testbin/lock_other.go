//go:build !unix

package testbin

// lock does nothing where flock does not exist: concurrent builds of one
// entry then both build, and the second rename wins with the same binary.
func lock(string) (func(), error) { return func() {}, nil }
