package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/creack/pty"
)

// Target is one of issue 13's goals with what this run measured.
type Target struct {
	Name string `json:"name"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Pass bool   `json:"pass"`
}

// pairRate is a pair workload's throughput on one server: Conc clients each
// making pairs calls of two operations.
type pairRate struct {
	Server   string  `json:"server"`
	Op       string  `json:"op"`
	PerSec   float64 `json:"pairs_per_s"`
	Errors   int     `json:"errors"`
	FirstErr string  `json:"first_error,omitempty"`
}

// buildKmslab builds the kmslab binary from the module this bench belongs to.
func buildKmslab() (path string, cleanup func(), err error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	dir, err := os.MkdirTemp("", "kmslab-bench-")
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, "kmslab")
	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("go build kmslab: %v\n%s", err, out)
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// pairSetup makes what the pair workloads need: a key and a table encrypted
// with it. The trivial server answers {} to everything, so missing output
// fields fall back to placeholders.
func pairSetup(ctx context.Context, ep endpoint, table string) (key string, err error) {
	cfg := ep.admin()
	out, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmslab bench pairs")})
	if err != nil {
		return "", fmt.Errorf("create key: %w", err)
	}
	key = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
	if out.KeyMetadata != nil {
		key = *out.KeyMetadata.Arn
	}
	if _, err := dynamodb.NewFromConfig(cfg).CreateTable(ctx, labTableInput(table, key)); err != nil {
		return "", fmt.Errorf("create table: %w", err)
	}
	return key, nil
}

// pairs runs conc clients, each doing n iterations of f, and returns
// iterations per second. A tenth as many untimed iterations come first, so
// connections are open and the server's caches warm when timing starts.
func pairs(ctx context.Context, server, op string, conc, n int, f func(w, i int) error) pairRate {
	_ = runPairs(ctx, pairRate{}, conc, max(n/10, 1), f)
	return runPairs(ctx, pairRate{Server: server, Op: op}, conc, n, f)
}

func runPairs(ctx context.Context, r pairRate, conc, n int, f func(w, i int) error) pairRate {
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := range conc {
		wg.Go(func() {
			for i := range n {
				if ctx.Err() != nil {
					return
				}
				if err := f(w, i); err != nil {
					mu.Lock()
					r.Errors++
					if r.FirstErr == "" {
						r.FirstErr = oneLine(err.Error())
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	r.PerSec = float64(conc*n) / time.Since(t0).Seconds()
	return r
}

// pairWorkloads measures PutItem+GetItem on a KMS-encrypted table and
// KMS Encrypt+Decrypt, conc clients at once (each with its own SDK client, as
// separate programs would be).
func pairWorkloads(ctx context.Context, server string, ep endpoint, conc, n int) ([]pairRate, error) {
	const table = "kmslab-bench-pairs"
	key, err := pairSetup(ctx, ep, table)
	if err != nil {
		return nil, err
	}
	ddb := make([]*dynamodb.Client, conc)
	kc := make([]*kms.Client, conc)
	for w := range conc {
		ddb[w], kc[w] = dynamodb.NewFromConfig(ep.admin()), kms.NewFromConfig(ep.admin())
	}
	put := pairs(ctx, server, "PutItem+GetItem", conc, n, func(w, i int) error {
		item := labItem(w*n + i)
		if _, err := ddb[w].PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			return err
		}
		_, err := ddb[w].GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"id": item["id"]}})
		return err
	})
	plain := []byte("4111-1111-1111-1111")
	enc := pairs(ctx, server, "Encrypt+Decrypt", conc, n, func(w, i int) error {
		out, err := kc[w].Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(key), Plaintext: plain})
		if err != nil {
			return err
		}
		_, err = kc[w].Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, KeyId: aws.String(key)})
		return err
	})
	return []pairRate{put, enc}, nil
}

// memoryFigures is the kmslab server's memory under the bench's loads.
type memoryFigures struct {
	AfterLoadKiB   int64   `json:"rss_after_standard_load_kib"`
	Items          int     `json:"items"`
	ItemBytes      int     `json:"item_encrypted_bytes"` // plaintext attribute bytes + AES-GCM nonce and tag
	PerItemBytes   float64 `json:"rss_per_item_bytes"`
	SteadyRSSKiB   []int64 `json:"steady_rss_kib"` // after each round of a constant workload; the first round warms up
	SteadyRoundOps int     `json:"steady_round_ops"`
}

// measureMemory stores items small items and reads RSS before and after, then
// runs rounds of a constant workload (overwriting and reading the same keys),
// reading RSS after each: a server that keeps something per request grows.
func measureMemory(ctx context.Context, ep endpoint, pid, items, conc int) (memoryFigures, error) {
	m := memoryFigures{Items: items, SteadyRoundOps: 2000}
	cfg := ep.admin()
	dc := dynamodb.NewFromConfig(cfg)
	key, err := pairSetup(ctx, ep, "kmslab-bench-memory")
	if err != nil {
		return m, err
	}
	_ = key
	item := func(i int) map[string]ddbtypes.AttributeValue {
		return map[string]ddbtypes.AttributeValue{"id": str(fmt.Sprintf("m-%07d", i)), "v": str("small value")}
	}
	m.ItemBytes = len("id") + len("m-0000000") + len("v") + len("small value") + 12 + 16
	before, err := readProcMem(pid)
	if err != nil {
		return m, err
	}
	per := (items + conc - 1) / conc
	r := runPairs(ctx, pairRate{}, conc, per, func(w, i int) error {
		_, err := dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("kmslab-bench-memory"), Item: item(w*per + i)})
		return err
	})
	if r.Errors > 0 {
		return m, errors.New("store items: " + r.FirstErr)
	}
	after, err := readProcMem(pid)
	if err != nil {
		return m, err
	}
	m.PerItemBytes = float64((after.RSSKiB-before.RSSKiB)*1024)/float64(conc*per) - float64(m.ItemBytes)
	for range 5 {
		r := runPairs(ctx, pairRate{}, conc, m.SteadyRoundOps/conc, func(w, i int) error {
			it := item(w*1000 + i%100)
			if _, err := dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("kmslab-bench-memory"), Item: it}); err != nil {
				return err
			}
			_, err := dc.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("kmslab-bench-memory"), Key: map[string]ddbtypes.AttributeValue{"id": it["id"]}})
			return err
		})
		if r.Errors > 0 {
			return m, errors.New("constant workload: " + r.FirstErr)
		}
		pm, err := readProcMem(pid)
		if err != nil {
			return m, err
		}
		m.SteadyRSSKiB = append(m.SteadyRSSKiB, pm.RSSKiB)
	}
	return m, nil
}

// versionTimes runs `kmslab version` runs times: exec to exit, and the CPU
// time (user+system) it used, which a loaded machine inflates far less.
func versionTimes(bin string, runs int) (wall, cpu []float64, err error) {
	for range runs {
		cmd := exec.Command(bin, "version")
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return wall, cpu, fmt.Errorf("kmslab version: %w", err)
		}
		wall = append(wall, ms(time.Since(t0)))
		cpu = append(cpu, ms(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()))
	}
	return wall, cpu, nil
}

// labWall runs the whole offline lab headless (`kmslab run --seed 1`).
func labWall(ctx context.Context, bin string) (float64, error) {
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, bin, "run", "--seed", "1")
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("kmslab run: %v: %s", err, oneLine(errOut.String()))
	}
	return ms(time.Since(t0)), nil
}

// tuiFirstScreen starts the TUI in a pseudo-terminal and times exec to the
// first frame that shows the header ("Encrypt data with AWS KMS").
func tuiFirstScreen(ctx context.Context, bin string) (float64, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor")
	t0 := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		return 0, fmt.Errorf("start TUI in a pty: %w", err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	}()
	found := make(chan float64, 1)
	go func() {
		var seen []byte
		buf := make([]byte, 64<<10)
		for {
			n, err := f.Read(buf)
			seen = append(seen, buf[:n]...)
			if bytes.Contains(stripEscapes(seen), []byte("Encrypt data with AWS KMS")) {
				found <- ms(time.Since(t0))
				return
			}
			if err != nil {
				close(found)
				return
			}
		}
	}()
	select {
	case v, ok := <-found:
		if !ok {
			return 0, errors.New("the TUI ended before drawing its first screen")
		}
		return v, nil
	case <-time.After(20 * time.Second):
		return 0, errors.New("no first screen within 20 s")
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// stripEscapes drops CSI, OSC and other escape sequences, and turns cursor
// moves into spaces, enough to find a plain phrase in a frame.
func stripEscapes(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != 0x1b {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch b[i+1] {
		case '[':
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			if j < len(b) && b[j] == 'C' { // cursor forward: blanks
				out = append(out, ' ')
			}
			i = j
		case ']', 'P', '_':
			j := i + 2
			for j < len(b) && b[j] != 0x07 && !(b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\') {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// loadAvg is the 1, 5 and 15 minute load averages: the machine may be shared.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// measureTargets measures what issue 13 sets targets for and records each
// target with pass or miss.
func measureTargets(ctx context.Context, rep *Report, sz sizes, bin, motoPath string, logf func(string, ...any)) {
	note := func(what string, err error) { rep.Notes = append(rep.Notes, what+": "+err.Error()) }

	logf("kmslab version and kmslab serve starts, %d each", sz.Starts)
	if w, c, err := versionTimes(bin, sz.Starts); err != nil {
		note("kmslab version", err)
	} else {
		rep.VersionRuns, rep.VersionCPU = w, c
	}
	for range sz.Starts {
		s, err := startKmslab(ctx, "kmslab", bin, false)
		if err != nil {
			note("kmslab serve start", err)
			break
		}
		rep.ServeStarts = append(rep.ServeStarts, ms(s.startup))
		s.stop()
	}
	logf("TUI first screen, %d starts", sz.Starts)
	for range sz.Starts {
		v, err := tuiFirstScreen(ctx, bin)
		if err != nil {
			note("TUI first screen", err)
			break
		}
		rep.TUIFirst = append(rep.TUIFirst, v)
	}
	logf("offline lab (kmslab run)")
	if v, err := labWall(ctx, bin); err != nil {
		note("offline lab", err)
	} else {
		rep.LabWallMs = v
	}

	type col struct {
		name  string
		start func() (*server, error)
	}
	cols := []col{{"kmslab", func() (*server, error) { return startKmslab(ctx, "kmslab", bin, false) }}}
	if motoPath != "" {
		cols = append(cols, col{"moto", func() (*server, error) { return startMoto(ctx, "moto", motoPath, -1) }})
	}
	cols = append(cols, col{"trivial {} server", func() (*server, error) { return startTrivial(ctx, "trivial {} server") }})
	for _, c := range cols {
		logf("%s: pairs, %d clients x %d", c.name, sz.Conc, sz.Pairs)
		s, err := c.start()
		if err != nil {
			note(c.name, err)
			continue
		}
		rs, err := pairWorkloads(ctx, c.name, s.ep, sz.Conc, sz.Pairs)
		s.stop()
		if err != nil {
			note(c.name+" pairs", err)
			continue
		}
		rep.Pairs = append(rep.Pairs, rs...)
	}

	logf("kmslab: memory, %d small items, then a constant workload", sz.MemItems)
	if s, err := startKmslab(ctx, "kmslab", bin, false); err != nil {
		note("memory", err)
	} else {
		rep.Memory, err = measureMemory(ctx, s.ep, s.cmd.Process.Pid, sz.MemItems, sz.Conc)
		s.stop()
		if err != nil {
			note("memory", err)
		}
	}
	for _, r := range rep.Results {
		if r.Server == "kmslab" {
			rep.Memory.AfterLoadKiB = r.Mem.RSSKiB
		}
	}
	rep.Targets = targets(rep)
}

// targets holds the measurements against issue 13's goals.
func targets(rep *Report) []Target {
	var ts []Target
	add := func(name, want, got string, pass bool) {
		ts = append(ts, Target{Name: name, Want: want, Got: got, Pass: pass})
	}
	medianTarget := func(name string, v []float64, limit float64) {
		if len(v) == 0 {
			add(name, fmt.Sprintf("≤ %.0f ms", limit), "not measured", false)
			return
		}
		m := median(v)
		add(name, fmt.Sprintf("≤ %.0f ms", limit), fmt.Sprintf("%.1f ms median of %d (min %.1f)", m, len(v), minOf(v)), m <= limit)
	}
	medianTarget("kmslab version: exec to exit", rep.VersionRuns, 15)
	medianTarget("kmslab serve: exec to first answer", rep.ServeStarts, 20)
	medianTarget("TUI: exec to first screen", rep.TUIFirst, 150)

	rate := func(server, op string) (pairRate, bool) {
		for _, p := range rep.Pairs {
			if p.Server == server && p.Op == op {
				return p, p.Errors == 0
			}
		}
		return pairRate{}, false
	}
	for _, op := range []string{"PutItem+GetItem", "Encrypt+Decrypt"} {
		k, kok := rate("kmslab", op)
		if m, ok := rate("moto", op); ok && kok {
			x := k.PerSec / m.PerSec
			got := fmt.Sprintf("%.1fx (%.0f/s vs %.0f/s)", x, k.PerSec, m.PerSec)
			// The same client against the trivial server bounds the ratio any
			// server could reach against this moto on this machine.
			if c, ok := rate("trivial {} server", op); ok {
				got += fmt.Sprintf("; the ceiling is %.1fx", c.PerSec/m.PerSec)
			}
			add(op+" 4 clients vs moto", "≥ 20x", got, x >= 20)
		} else {
			add(op+" 4 clients vs moto", "≥ 20x", "not measured", false)
		}
		if c, ok := rate("trivial {} server", op); ok && kok {
			x := k.PerSec / c.PerSec
			add(op+" 4 clients vs trivial ceiling", "≥ 60%", fmt.Sprintf("%.0f%% (%.0f/s vs %.0f/s)", 100*x, k.PerSec, c.PerSec), x >= 0.6)
		} else {
			add(op+" 4 clients vs trivial ceiling", "≥ 60%", "not measured", false)
		}
	}
	m := rep.Memory
	if m.Items > 0 && len(m.SteadyRSSKiB) > 0 {
		add("memory per small stored item beyond its encrypted size", "≤ 1024 B",
			fmt.Sprintf("%.0f B (RSS growth over %d items, less %d B each)", m.PerItemBytes, m.Items, m.ItemBytes), m.PerItemBytes <= 1024)
		// The first round warms up (the heap grows to its working size); the
		// last is held to the second.
		first, last := m.SteadyRSSKiB[min(1, len(m.SteadyRSSKiB)-1)], m.SteadyRSSKiB[len(m.SteadyRSSKiB)-1]
		add("no growth under a constant workload", "last round ≤ second + 10%",
			fmt.Sprintf("RSS %s after each of %d rounds of %d pairs", joinMiB(m.SteadyRSSKiB), len(m.SteadyRSSKiB), m.SteadyRoundOps), last*10 <= first*11)
	} else {
		add("memory per small stored item beyond its encrypted size", "≤ 1024 B", "not measured", false)
		add("no growth under a constant workload", "last round ≤ second + 10%", "not measured", false)
	}
	if m.AfterLoadKiB > 0 {
		add("RSS after the standard load", "≤ 60 MB", mib(m.AfterLoadKiB), m.AfterLoadKiB*1024 <= 60e6)
	} else {
		add("RSS after the standard load", "≤ 60 MB", "not measured", false)
	}
	return ts
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}

func joinMiB(v []int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = mib(x)
	}
	return strings.Join(s, ", ")
}
