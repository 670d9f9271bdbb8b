// Package sdkhttp holds the HTTP client fix every kmslab AWS client uses: it
// keeps a known aws-sdk-go-v2/net/http race from closing connections under a
// response still being read.
package sdkhttp

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Guard returns cfg with its HTTP client wrapped by the race fix (the SDK's
// default client when cfg has none). Guarding twice is harmless.
func Guard(cfg aws.Config) aws.Config {
	if _, ok := cfg.HTTPClient.(guard); ok {
		return cfg
	}
	next := cfg.HTTPClient
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	cfg.HTTPClient = guard{next: next}
	return cfg
}

// Guarded reports whether cfg's HTTP client carries the fix.
func Guarded(cfg aws.Config) bool {
	_, ok := cfg.HTTPClient.(guard)
	return ok
}

// guard works around a race between aws-sdk-go-v2 (smithy-go v1.28) and
// net/http that closes a connection while a response is still being read
// ("deserialization failed, read tcp ...: use of closed network connection").
//
// smithy-go sends request bodies wrapped in a safeWriteToReadCloser and closes
// that body as soon as HTTPClient.Do returns, i.e. when the response headers
// are in. net/http's writeLoop may still be inside transferWriter.writeBody at
// that moment: the body bytes are already on the wire (so the server could
// answer), but it still drains the body with io.Copy(io.Discard, body) before
// returning. io.Copy prefers WriterTo, and the closed wrapper's WriteTo
// returns io.EOF, which io.Copy passes on as an error; the writeLoop takes it
// for a failed request write and closes the connection under the response body
// reader. A response longer than the transport's 4 KiB read buffer (a Scan
// page) then fails mid-body. The SDK's default retryer hides this by retrying
// "use of closed network connection" (aws-sdk-go-v2 #2737, #2949), but a
// retried call may already have been done once by the server (a second
// CreateKey), and a client with retries off fails outright.
//
// Hiding WriterTo makes io.Copy use Read, which returns a clean io.EOF on the
// closed wrapper, so the drain ends without error and the connection lives.
type guard struct{ next aws.HTTPClient }

// plainBody exposes only Read and Close of a request body.
type plainBody struct{ io.ReadCloser }

func (g guard) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		c := *r // the SDK keeps and closes its own r.Body; plainBody reads through it
		c.Body = plainBody{r.Body}
		r = &c
	}
	return g.next.Do(r)
}
