package sdkhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// gateConn forces the interleaving behind the guard: it holds the client's
// writeLoop right after the request body is on the wire, lets the response
// headers through, and releases the writeLoop only once the caller has
// started reading the rest of the response body, which the SDK does after it
// has closed the request body.
type gateConn struct {
	net.Conn
	wrote     bytes.Buffer // request bytes so far, until the gate has been used
	gated     bool
	release   chan struct{} // closed when the writeLoop may go on
	closed    chan struct{} // closed by Close
	closeOnce sync.Once
	sawHead   bool // the response headers arrived in an earlier Read
	readCalls int
}

func newGateConn(c net.Conn) *gateConn {
	return &gateConn{Conn: c, release: make(chan struct{}), closed: make(chan struct{})}
}

// requestComplete reports whether b holds a whole request with its body.
func requestComplete(b []byte) bool {
	head, body, ok := bytes.Cut(b, []byte("\r\n\r\n"))
	if !ok {
		return false
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		k, v, _ := strings.Cut(line, ":")
		if strings.EqualFold(k, "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return err == nil && len(body) >= n
		}
	}
	return false
}

func (c *gateConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if !c.gated {
		c.wrote.Write(p[:n])
		if requestComplete(c.wrote.Bytes()) {
			c.gated = true
			<-c.release // the server has the whole request; the response is on its way
		}
	}
	return n, err
}

func (c *gateConn) Read(p []byte) (int, error) {
	c.readCalls++
	if c.sawHead && c.readCalls > 1 {
		select {
		case <-c.release:
		default:
			close(c.release)
			// Give the writeLoop time to finish writeBody; with the SDK
			// race it closes this connection right away.
			select {
			case <-c.closed:
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
	n, err := c.Conn.Read(p)
	if bytes.Contains(p[:n], []byte("\r\n\r\n")) {
		c.sawHead = true
	}
	return n, err
}

func (c *gateConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// scanServer answers every request, after reading it whole, with one Scan page
// far larger than the transport's 4 KiB read buffer.
func scanServer(t *testing.T, items int) aws.Config {
	t.Helper()
	type item = map[string]map[string]string
	page := struct {
		Count, ScannedCount int
		Items               []item
	}{Count: items, ScannedCount: items}
	for i := range items {
		page.Items = append(page.Items, item{"id": {"S": fmt.Sprintf("user-%06d", i)}, "pad": {"S": strings.Repeat("x", 200)}})
	}
	body, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + ln.Addr().String()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSDKHTTPTEST", "secret", "")}
}

// gatedClient is an http.Client whose connections are gateConns.
func gatedClient() *http.Client {
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return newGateConn(c), nil
	}}}
}

func TestGuardSurvivesEarlyBodyClose(t *testing.T) {
	const items = 100 // about 25 KiB
	base := scanServer(t, items)
	scan := func(hc aws.HTTPClient) (int32, error) {
		cfg := base
		cfg.HTTPClient = hc
		// One attempt: the SDK's retryer retries this very error on a new
		// connection, which would make the control pass or fail by chance.
		cfg.RetryMaxAttempts = 1
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := dynamodb.NewFromConfig(cfg).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("t")})
		if err != nil {
			return 0, err
		}
		return out.Count, nil
	}

	// Control: the bare SDK client loses the connection under this
	// interleaving. The gate forces it most of the time, not always (a loaded
	// machine can still finish the body drain first), so it must happen at
	// least once in a few tries. If it never does, the SDK no longer fails the
	// request write after closing its body, or the gate no longer forces the
	// race; either way the check below would prove nothing.
	const tries = 20
	reproduced := 0
	for range tries {
		if _, err := scan(gatedClient()); err != nil {
			if !strings.Contains(err.Error(), "use of closed network connection") {
				t.Fatalf("bare client: unexpected error %v", err)
			}
			reproduced++
		}
	}
	if reproduced == 0 {
		t.Fatalf("bare client never lost its connection in %d forced races (is the guard still needed?)", tries)
	}

	// The guarded client survives every forced race. Each try waits out the
	// gate's grace for a close that never comes, so they run side by side:
	// one grace in all rather than one per try.
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		wg.Go(func() {
			n, err := scan(Guard(aws.Config{HTTPClient: gatedClient()}).HTTPClient)
			if err == nil && n != items {
				err = fmt.Errorf("count %d, want %d", n, items)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("guarded client under the forced race: %v", err)
		}
	}
	t.Logf("the race was forced %d times in %d bare tries", reproduced, tries)
}

func TestGuardIsIdempotent(t *testing.T) {
	once := Guard(aws.Config{})
	twice := Guard(once)
	if _, ok := twice.HTTPClient.(guard); !ok {
		t.Fatal("Guard did not install the guard")
	}
	if inner := twice.HTTPClient.(guard).next; inner == nil {
		t.Fatal("no client under the guard")
	} else if _, nested := inner.(guard); nested {
		t.Fatal("guarding twice nested the guard")
	}
	if !Guarded(once) || Guarded(aws.Config{}) {
		t.Fatal("Guarded reports wrongly")
	}
}
