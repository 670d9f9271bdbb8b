package testbin

import (
	"flag"
	"runtime"
	"strconv"
)

// WidenParallel is for the TestMain of a package whose parallel tests mostly
// wait on other processes (the AWS CLI, bash, kmslab): go test runs
// GOMAXPROCS parallel tests at a time, which leaves the CPUs idle while
// each waits on its process; twice that keeps them busy. An explicit
// -parallel stays. It parses the test flags, as m.Run would.
func WidenParallel() {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
}
