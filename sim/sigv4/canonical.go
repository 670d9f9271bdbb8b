package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// CanonicalRequest rebuilds the canonical request of r from the header names
// the client says it signed, and nothing else. X-Amz-Signature is left out of
// the query, as a presigning client cannot have signed its own signature.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(r.URL.EscapedPath()))
	b.WriteByte('\n')
	b.WriteString(parseQuery(r.URL.RawQuery).canonical("X-Amz-Signature"))
	b.WriteByte('\n')
	writeCanonicalHeaders(&b, r, signedHeaders)
	b.WriteByte('\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(h)
	}
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// CanonicalURI encodes the already-escaped request path once more, the rule
// for every service but S3: the SDKs escape the escaped path, so "%" itself
// becomes "%25". An empty path is "/".
func CanonicalURI(escapedPath string) string {
	if escapedPath == "" {
		return "/"
	}
	return uriEncode(escapedPath, true)
}

// CanonicalQuery returns the canonical form of a raw query string: each name
// and value decoded, RFC 3986-encoded again, then sorted by encoded name and
// value (the SigV4 spec sorts after encoding).
func CanonicalQuery(rawQuery string) string {
	return parseQuery(rawQuery).canonical("")
}

// CanonicalHeaders returns the canonical header block (each line ending in
// "\n") for the named headers. host comes from r.Host since Go moves it out of
// r.Header; several values of one header are joined with ","; each value is
// trimmed and its inner runs of spaces collapsed.
func CanonicalHeaders(r *http.Request, signedHeaders []string) string {
	var b strings.Builder
	writeCanonicalHeaders(&b, r, signedHeaders)
	return b.String()
}

// signedByTheSDKs maps the lowercase names the SDKs sign to Go's canonical
// header keys: r.Header.Values would canonicalize (and allocate) each name
// on every request.
var signedByTheSDKs = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Content-Type", "Content-Length", "X-Amz-Date", "X-Amz-Target",
		"X-Amz-Content-Sha256", "X-Amz-Security-Token", "X-Amz-User-Agent", "Amz-Sdk-Invocation-Id",
		"Amz-Sdk-Request", "Content-Encoding", "Accept-Encoding"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

func headerValues(r *http.Request, lower string) []string {
	if k, ok := signedByTheSDKs[lower]; ok {
		return r.Header[k]
	}
	return r.Header.Values(lower)
}

func writeCanonicalHeaders(b *strings.Builder, r *http.Request, signedHeaders []string) {
	for _, name := range signedHeaders {
		lower := strings.ToLower(name)
		var values []string
		switch lower {
		case "host":
			values = []string{canonicalHost(r)}
		case "content-length":
			values = headerValues(r, lower)
			if len(values) == 0 && r.ContentLength >= 0 {
				values = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			values = headerValues(r, lower)
		}
		b.WriteString(lower)
		b.WriteByte(':')
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(collapseSpaces(v))
		}
		b.WriteByte('\n')
	}
}

// canonicalHost drops a default port, as every SDK does before signing.
func canonicalHost(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	port := ":80"
	if r.TLS != nil {
		port = ":443"
	}
	return collapseSpaces(strings.TrimSuffix(host, port))
}

// collapseSpaces trims a header value and folds each inner run of spaces
// into one. Tabs inside a value are kept: aws-sdk-go-v2 keeps them too.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' && space {
			continue
		}
		space = c == ' '
		b.WriteByte(c)
	}
	return b.String()
}

type pair struct{ key, value string }

// query is a decoded query string in wire order.
type query []pair

// parseQuery decodes a raw query the way url.ParseQuery does ("+" is a
// space, empty pieces skipped) but keeps going past bad escapes, which are
// taken literally, so any input yields some canonical form.
func parseQuery(raw string) query {
	var q query
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		q = append(q, pair{unescape(k), unescape(v)})
	}
	return q
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func (q query) has(key string) bool {
	return slices.ContainsFunc(q, func(p pair) bool { return p.key == key })
}

func (q query) get(key string) string {
	for _, p := range q {
		if p.key == key {
			return p.value
		}
	}
	return ""
}

// canonical encodes, sorts and joins the pairs, leaving out the key skip.
func (q query) canonical(skip string) string {
	enc := make([]pair, 0, len(q))
	for _, p := range q {
		if skip != "" && p.key == skip {
			continue
		}
		enc = append(enc, pair{uriEncode(p.key, false), uriEncode(p.value, false)})
	}
	slices.SortFunc(enc, func(a, b pair) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	parts := make([]string, len(enc))
	for i, p := range enc {
		parts[i] = p.key + "=" + p.value
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes every byte outside the RFC 3986 unreserved set
// with uppercase hex, keeping "/" when asked.
func uriEncode(s string, keepSlash bool) string {
	if !strings.ContainsFunc(s, func(c rune) bool { return !unreserved(c, keepSlash) }) {
		return s // the usual "/": nothing to encode, nothing to copy
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(rune(c), keepSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func unreserved(c rune, keepSlash bool) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && keepSlash
}
