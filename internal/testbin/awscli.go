package testbin

import (
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// AWSCLI is one AWS CLI installed on this machine.
type AWSCLI struct {
	Path    string // what to run; a pyenv shim is resolved to the program it runs
	Version string // as it says it: aws-cli/1.45.11
}

// Name is the version as a subtest name: aws-cli-1.45.11.
func (c AWSCLI) Name() string { return strings.ReplaceAll(c.Version, "/", "-") }

// String is the version, for logs.
func (c AWSCLI) String() string { return c.Version }

// V1 reports whether this is AWS CLI v1.
func (c AWSCLI) V1() bool { return strings.HasPrefix(c.Version, "aws-cli/1.") }

var (
	clisOnce sync.Once
	clis     []AWSCLI
)

// installedAWSCLIs finds each distinct AWS CLI version once per test
// process: the one on PATH (v1 here, through pyenv) and Debian's v2 at
// /usr/bin/aws when installed. Asking each its version starts Python, a
// few hundred milliseconds of CPU each.
func installedAWSCLIs() []AWSCLI {
	clisOnce.Do(func() {
		seen := map[string]bool{}
		cands := []string{"/usr/bin/aws", "/usr/local/bin/aws"}
		if p, err := exec.LookPath("aws"); err == nil {
			cands = append([]string{p}, cands...)
		}
		for _, c := range cands {
			v, err := exec.Command(c, "--version").CombinedOutput()
			if err != nil || len(strings.Fields(string(v))) == 0 {
				continue
			}
			version := strings.Fields(string(v))[0] // aws-cli/2.9.19
			if seen[version] {
				continue
			}
			seen[version] = true
			clis = append(clis, AWSCLI{Path: unshim(c), Version: version})
		}
	})
	return clis
}

// unshim returns the program a pyenv shim runs: the shim is a bash script
// that starts pyenv for every call, some 50 ms of CPU on each of the
// hundreds of calls the AWS CLI suites make.
func unshim(path string) string {
	if !strings.Contains(path, "/.pyenv/shims/") {
		return path
	}
	out, err := exec.Command("pyenv", "which", "aws").Output()
	if err != nil {
		return path
	}
	if real := strings.TrimSpace(string(out)); real != "" {
		return real
	}
	return path
}

// AWSCLIs returns the AWS CLIs a test runs its commands with: every
// version on the machine when Full() (CI), else the first, since each
// version runs the same commands, a few hundred CLI start-ups in all. It
// skips t when there is none, and logs which it runs.
func AWSCLIs(t testing.TB) []AWSCLI {
	t.Helper()
	all := installedAWSCLIs()
	if len(all) == 0 {
		t.Skip("no AWS CLI on this machine")
	}
	return Breadth(t, "AWS CLIs", all, all[:1])
}

// FirstAWSCLI is the one AWS CLI of a test whose commands say nothing about
// the CLI's version (what they show is the server's): the first, whatever
// the breadth. It skips t when there is none.
func FirstAWSCLI(t testing.TB) AWSCLI {
	t.Helper()
	all := installedAWSCLIs()
	if len(all) == 0 {
		t.Skip("no AWS CLI on this machine")
	}
	t.Logf("AWS CLI: %s (one, whatever the breadth)", all[0])
	return all[0]
}
