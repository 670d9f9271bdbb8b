package main

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// bodyGuard works around a race between aws-sdk-go-v2 (smithy-go v1.28) and
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
// "use of closed network connection" (aws-sdk-go-v2 #2737, #2949), but the
// bench makes exactly one attempt per sample.
//
// Hiding WriterTo makes io.Copy use Read, which returns a clean io.EOF on the
// closed wrapper, so the drain ends without error and the connection lives.
type bodyGuard struct{ next aws.HTTPClient }

// plainBody exposes only Read and Close of a request body.
type plainBody struct{ io.ReadCloser }

func (g bodyGuard) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		c := *r // the SDK keeps and closes its own r.Body; plainBody reads through it
		c.Body = plainBody{r.Body}
		r = &c
	}
	return g.next.Do(r)
}
