// Package wire frames requests and responses for the two AWS protocols the
// offline services speak: awsJson (KMS, DynamoDB) and awsQuery (IAM, STS).
// Handlers return (output, error); only this package writes bytes.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"

	"kmslab/sim/api"
)

// DecodeJSON decodes an awsJson request body into v. An empty body is an empty
// object, as the SDKs send for operations without input. Malformed input is a
// SerializationException, which is what AWS answers, never a 500.
func DecodeJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return api.BadRequest("SerializationException",
				"Unexpected value type in payload for field %s", strconv.Quote(typeErr.Field))
		}
		return api.BadRequest("SerializationException", "Malformed request body: %s", err.Error())
	}
	if dec.More() {
		return api.BadRequest("SerializationException", "Malformed request body: trailing data")
	}
	return nil
}

// JSONProtocol describes one awsJson service's framing.
type JSONProtocol struct {
	ContentType string // application/x-amz-json-1.1 (KMS) or -1.0 (DynamoDB)
	ErrorPrefix string // prepended to __type, e.g. "com.amazonaws.dynamodb.v20120810#"
	// CRC32 adds X-Amz-Crc32 with the body's checksum, as DynamoDB does; its SDK
	// clients check the body against it (and complain when it is absent).
	CRC32 bool
}

func (p JSONProtocol) write(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", p.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if p.CRC32 {
		w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10))
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteJSON writes a successful awsJson response.
func (p JSONProtocol) WriteJSON(w http.ResponseWriter, out any) {
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		p.WriteError(w, &api.Error{Code: "InternalFailure", Message: "failed to encode response", Status: 500})
		return
	}
	p.write(w, http.StatusOK, b)
}

// WriteError writes an awsJson error: {"__type": "...", "message": "..."} and the error's Fields.
// Fields holding "Message" replace the lowercase member, as DynamoDB's error with an item does.
func (p JSONProtocol) WriteError(w http.ResponseWriter, err error) {
	e := AsAPIError(err)
	doc := map[string]any{"__type": p.ErrorPrefix + e.Code}
	if _, ok := e.Fields["Message"]; !ok {
		doc["message"] = e.Message
	}
	for k, v := range e.Fields {
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"__type": p.ErrorPrefix + "InternalFailure", "message": "failed to encode error"})
	}
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	p.write(w, e.Status, b)
}

// AsAPIError converts any handler error to the wire error; unknown errors become
// InternalFailure so a bug shows as a server fault instead of a lie about the input.
func AsAPIError(err error) *api.Error {
	var e *api.Error
	if errors.As(err, &e) {
		if e.Status == 0 {
			c := *e
			c.Status = http.StatusBadRequest
			return &c
		}
		return e
	}
	return &api.Error{Code: "InternalFailure", Message: "internal error: " + err.Error(), Status: http.StatusInternalServerError}
}
