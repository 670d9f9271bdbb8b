package sim

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// headerTimeoutListener gives a client whose request headers did not all
// arrive within the header timeout an answer that says so, 408 Request
// Timeout in the JSON error shape, where net/http would answer a bare "400
// Bad Request" (or nothing) and leave the client to guess.
type headerTimeoutListener struct {
	net.Listener
	timeout time.Duration
}

func (l headerTimeoutListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &headerTimeoutConn{Conn: c, timeout: l.timeout}, nil
}

// headerTimeoutConn watches the bytes of each request up to the blank line
// that ends its headers. A read that times out before that line, once some
// of the request has come, is a header timeout: it is answered here, and the
// connection is done (net/http's own answer is dropped).
type headerTimeoutConn struct {
	net.Conn
	timeout time.Duration

	mu       sync.Mutex
	started  bool   // bytes of a request came since the last response
	headers  bool   // the blank line after the headers came
	tail     []byte // the last bytes read, to find a blank line split across reads
	answered bool
}

var headerEnd = []byte("\r\n\r\n")

func (c *headerTimeoutConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > 0 && !c.headers {
		c.started = true
		buf := append(c.tail, p[:n]...)
		if bytes.Contains(buf, headerEnd) {
			c.headers = true
		}
		c.tail = append(c.tail[:0], buf[max(len(buf)-len(headerEnd)+1, 0):]...)
	}
	var ne net.Error
	if err != nil && errors.As(err, &ne) && ne.Timeout() && c.started && !c.headers && !c.answered {
		c.answered = true
		body := fmt.Sprintf(`{"__type":"RequestTimeoutException","message":"The request's headers did not all arrive within %s, so the connection was closed; send the request again."}`, c.timeout)
		_, _ = fmt.Fprintf(c.Conn, "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	}
	return n, err
}

func (c *headerTimeoutConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.answered {
		c.mu.Unlock()
		return len(p), nil // the client has its answer; the connection is closing
	}
	// A response ends the request it answers: the next one starts afresh.
	c.started, c.headers, c.tail = false, false, c.tail[:0]
	c.mu.Unlock()
	return c.Conn.Write(p)
}
