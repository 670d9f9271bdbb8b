package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/internal/sdkhttp"
	"kmslab/sim"
)

// endpoint is where a server answers and the administrator credentials it accepts.
type endpoint struct {
	URL    string `json:"url"`
	Region string `json:"region"`
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

func (e endpoint) config(id, secret string) aws.Config {
	// sdkhttp.Guard: with one attempt per sample, the SDK/net/http race it fixes
	// would otherwise fail large responses now and then (see internal/sdkhttp).
	return sdkhttp.Guard(aws.Config{
		Region:           e.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint:     aws.String(e.URL),
		RetryMaxAttempts: 1, // every sample is one attempt; errors are counted, not retried away
	})
}

func (e endpoint) admin() aws.Config { return e.config(e.ID, e.Secret) }

// server is a server process under test.
type server struct {
	name    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser // closing it stops the trivial child
	ep      endpoint
	startup time.Duration // exec to first successful KMS ListKeys
}

// childEnv, when set in the environment, makes this binary the trivial server
// process instead of the bench. An environment variable rather than a flag, so
// the test binary can be re-executed the same way.
const childEnv = "KMSLAB_BENCH_CHILD"

// serveChild runs the trivial server if the environment asks for it, and reports whether it did.
func serveChild() bool {
	if os.Getenv(childEnv) != "trivial" {
		return false
	}
	if err := serveTrivial(); err != nil {
		fmt.Fprintln(os.Stderr, "bench trivial child:", err)
		os.Exit(1)
	}
	return true
}

// serveTrivial answers every request with 200 and an empty JSON object, which
// the SDK decodes as an empty output: the fastest any server on loopback can
// be, so the SDK's own cost per call is the ceiling the others are held to.
// It prints its endpoint as one JSON line and serves until stdin closes.
func serveTrivial() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte("{}"))
	})}
	go func() { _ = srv.Serve(ln) }()
	line, err := json.Marshal(endpoint{URL: "http://" + ln.Addr().String(), Region: sim.DefaultRegion, ID: "AKIAIOSFODNN7EXAMPLE", Secret: "trivial"})
	if err != nil {
		return err
	}
	if _, err := fmt.Println(string(line)); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return srv.Close()
}

// startTrivial runs this binary again as the trivial server, a process of its
// own as the others are.
func startTrivial(ctx context.Context, name string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"=trivial")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{name: name, cmd: cmd, stdin: stdin}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", exe, err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			s.stop()
			return nil, errors.New("trivial child exited before printing its endpoint")
		}
		if err := json.Unmarshal([]byte(line), &s.ep); err != nil {
			s.stop()
			return nil, fmt.Errorf("trivial child endpoint %q: %w", line, err)
		}
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("trivial child printed no endpoint within 30s")
	}
	s.startup = time.Since(t0)
	return s, nil
}

// Credentials the bench gives `kmslab serve` for its admin (the secret through
// the environment, as a user should).
const (
	benchAdminID     = "AKIABENCHADMIN000001"
	benchAdminSecret = "benchbenchbenchbenchbenchbenchbenchbench"
)

// startKmslab runs the real `kmslab serve` binary on a free loopback port and
// times exec to its first successful call.
func startKmslab(ctx context.Context, name, bin string, noKeyCache bool) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--addr", "127.0.0.1:" + strconv.Itoa(port), "--admin-access-key-id", benchAdminID}
	if noKeyCache {
		args = append(args, "--key-cache-ttl", "0")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "KMSLAB_ADMIN_SECRET_ACCESS_KEY="+benchAdminSecret)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	s := &server{name: name, cmd: cmd, ep: endpoint{URL: "http://127.0.0.1:" + strconv.Itoa(port), Region: sim.DefaultRegion, ID: benchAdminID, Secret: benchAdminSecret}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := firstCall(ctx, s.ep, 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	s.startup = time.Since(t0)
	return s, nil
}

// startMoto runs moto_server on a free loopback port. authCount, when >= 0, sets
// INITIAL_NO_AUTH_ACTION_COUNT: moto then checks signatures and IAM policies after
// that many calls.
func startMoto(ctx context.Context, name, path string, authCount int) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// moto loads AWS managed policies (AmazonDynamoDBFullAccess, AdministratorAccess) only when asked.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	if authCount >= 0 {
		cmd.Env = append(cmd.Env, "INITIAL_NO_AUTH_ACTION_COUNT="+strconv.Itoa(authCount))
	}
	// moto logs every request line to stderr; keep it out of the report.
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	s := &server{name: name, cmd: cmd, ep: endpoint{URL: "http://127.0.0.1:" + strconv.Itoa(port), Region: "us-east-1", ID: "AKIAIOSFODNN7EXAMPLE", Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	probe := s.ep
	if authCount >= 0 {
		// Do not spend the unauthenticated calls on polling: wait for the port instead.
		if err := waitPort(ctx, port, 60*time.Second); err != nil {
			s.stop()
			return nil, err
		}
	} else if err := firstCall(ctx, probe, 60*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	s.startup = time.Since(t0)
	return s, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitPort(ctx context.Context, port int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return fmt.Errorf("port %d not open after %v", port, limit)
}

// firstCall polls KMS ListKeys every millisecond until one succeeds: the
// startup figures are a few milliseconds, so a coarser poll would hide them.
func firstCall(ctx context.Context, ep endpoint, limit time.Duration) error {
	c := kms.NewFromConfig(ep.admin())
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.ListKeys(cctx, &kms.ListKeysInput{})
		cancel()
		if err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return fmt.Errorf("no successful call within %v: %w", limit, last)
}

// stop ends the server process and waits for it.
func (s *server) stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	if s.stdin != nil {
		_ = s.stdin.Close()
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// procMem is a process's memory from /proc/<pid>/status.
type procMem struct {
	PeakRSSKiB int64 `json:"peak_rss_kib"` // VmHWM
	RSSKiB     int64 `json:"rss_kib"`      // VmRSS
}

func readProcMem(pid int) (procMem, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return procMem{}, err
	}
	var m procMem
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmHWM":
			m.PeakRSSKiB = n
		case "VmRSS":
			m.RSSKiB = n
		}
	}
	return m, nil
}

// procCPU is the user+system CPU time a process has used, from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields are counted after its closing paren.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("malformed stat times")
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
