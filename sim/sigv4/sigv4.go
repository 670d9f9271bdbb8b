// Package sigv4 verifies AWS Signature Version 4 on incoming requests, so the
// offline AWS in sim accepts exactly what the unmodified SDKs and CLIs send
// (aws-sdk-go-v2, botocore / AWS CLI, JavaScript SDK v3) and rejects the rest
// with the errors real AWS gives. Everything here is a function of the
// request, its body, the clock and a secret lookup, with no I/O; the only
// state is a small cache of derived signing keys (see signingKeys).
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"kmslab/internal/keyedhash"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// TimeFormat is the ISO-8601 basic format of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

// MaxSkew is how far a request's time may be from the verifier's clock.
const MaxSkew = 15 * time.Minute

// UnsignedPayload is the literal payload hash a signer may use instead of
// hashing the body, announced in X-Amz-Content-Sha256.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Params is what the Authorization header (or a presigned URL) claims.
type Params struct {
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string

	// Filled by Verify only.
	Time          time.Time // the request's X-Amz-Date
	SecurityToken string    // X-Amz-Security-Token, for session credentials; checking it is the caller's job
	Presigned     bool      // the signature came in the query string
}

// Kind classifies a verification failure; the HTTP layer turns it into the
// protocol's error code with Kind.Code.
type Kind int

// The failure kinds. The zero Kind is not a failure, so a zero Error is
// recognisably uninitialised.
const (
	Missing      Kind = iota + 1 // no Authorization header and no presigned query
	Incomplete                   // malformed header, missing parts, bad date or scope
	UnknownKey                   // access key id not known to Lookup
	BadSignature                 // signature does not match
	Expired                      // request time outside the skew window or presign expiry
)

func (k Kind) String() string {
	switch k {
	case Missing:
		return "Missing"
	case Incomplete:
		return "Incomplete"
	case UnknownKey:
		return "UnknownKey"
	case BadSignature:
		return "BadSignature"
	case Expired:
		return "Expired"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Code returns the AWS error code and HTTP status for k: JSON protocols
// (KMS, DynamoDB) answer 400 throughout, query protocols (IAM, STS) answer
// 403 except for a malformed signature. Expired shares the bad-signature code,
// as on AWS, which is also what the SDKs' clock-skew retry looks for.
func (k Kind) Code(jsonProtocol bool) (code string, status int) {
	if jsonProtocol {
		switch k {
		case Missing:
			return "MissingAuthenticationTokenException", http.StatusBadRequest
		case Incomplete:
			return "IncompleteSignatureException", http.StatusBadRequest
		case UnknownKey:
			return "UnrecognizedClientException", http.StatusBadRequest
		default:
			return "InvalidSignatureException", http.StatusBadRequest
		}
	}
	switch k {
	case Missing:
		return "MissingAuthenticationToken", http.StatusForbidden
	case Incomplete:
		return "IncompleteSignature", http.StatusBadRequest
	case UnknownKey:
		return "InvalidClientTokenId", http.StatusForbidden
	default:
		return "SignatureDoesNotMatch", http.StatusForbidden
	}
}

// Error is a verification failure. Message is worded as AWS words it.
type Error struct {
	Kind    Kind
	Message string

	// For BadSignature only: what the verifier computed, so a server log can
	// show why a client's signature differs. Never sent to the client.
	CanonicalRequest string
	StringToSign     string
}

func (e *Error) Error() string { return e.Kind.String() + ": " + e.Message }

// AWS's wording for the fixed messages.
const (
	msgMissing      = "Missing Authentication Token"
	msgUnknownKey   = "The security token included in the request is invalid."
	msgBadSignature = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

func fail(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Lookup returns the secret for an access key id, ok=false if unknown.
type Lookup func(accessKeyID string) (secret string, ok bool)

// Verify checks the SigV4 signature of r, whose body has already been read
// into body, at time now. It accepts the Authorization header form and the
// presigned query-string form. The error, if any, is an *Error.
//
// Verify does not check that the scope's region and service fit the
// endpoint: the caller knows which service it is and may accept any region.
func Verify(r *http.Request, body []byte, now time.Time, lookup Lookup) (Params, error) {
	q := parseQuery(r.URL.RawQuery)
	authz := r.Header.Values("Authorization")
	presigned := q.has("X-Amz-Algorithm") || q.has("X-Amz-Credential") || q.has("X-Amz-Signature")

	var (
		p   Params
		amz string // request time as signed, in TimeFormat
		err *Error
	)
	switch {
	case len(authz) == 0 && !presigned:
		return Params{}, fail(Missing, msgMissing)
	case len(authz) > 0 && presigned:
		return Params{}, fail(Incomplete, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")
	case len(authz) > 1:
		return Params{}, fail(Incomplete, "Only one Authorization header may be specified")
	case presigned:
		p, amz, err = fromQuery(q)
	default:
		p, amz, err = fromHeader(authz[0], r.Header)
	}
	if err != nil {
		return p, err
	}

	if !signsHost(p.SignedHeaders) {
		// Without the host signed, a captured request could be replayed to
		// another endpoint within its time window; AWS refuses it too.
		return p, fail(Incomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if h := unsignedHeader(r.Header, p.SignedHeaders, p.Presigned); h != "" {
		// Otherwise a header the signature does not cover could be changed in
		// flight: X-Amz-Target names the operation, so a signed DescribeKey
		// would become a ScheduleKeyDeletion.
		return p, fail(BadSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", h)
	}
	t, err := parseAmzDate(amz)
	if err != nil {
		return p, err
	}
	p.Time = t
	if amz[:8] != p.Date {
		return p, fail(Incomplete, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", p.Date, amz[:8], amz)
	}
	if err := checkTime(t, now, q, p.Presigned); err != nil {
		return p, err
	}

	secret, ok := lookup(p.AccessKeyID)
	if !ok {
		return p, fail(UnknownKey, msgUnknownKey)
	}

	if p.Presigned {
		p.SecurityToken = q.get("X-Amz-Security-Token")
	} else {
		p.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	}

	cr := CanonicalRequest(r, p.SignedHeaders, payloadHash(r, q, body))
	scope := strings.Join([]string{p.Date, p.Region, p.Service, "aws4_request"}, "/")
	sts := StringToSign(amz, scope, cr)
	var mac [sha256.Size]byte
	var want [2 * sha256.Size]byte
	hex.Encode(want[:], signingKeys.get(secret, p.Date, p.Region, p.Service).Append(mac[:0], []byte(sts)))
	if !equalConstantTime(want[:], p.Signature) {
		return p, &Error{Kind: BadSignature, Message: msgBadSignature, CanonicalRequest: cr, StringToSign: sts}
	}
	return p, nil
}

// unsignedHeader names a header sent but not signed that must be: every
// x-amz-* header, and Content-Type when the signature is in the Authorization
// header (a presigned URL is made before the body's type is known). AWS
// refuses such a request with "'<header>' must be a 'SignedHeader' in the AWS
// Authorization." (InvalidSignatureException on the JSON protocols, as AWS's
// coral services answer it; the S3 equivalent is documented in
// docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html: "Any
// x-amz-* headers that you plan to add to the request are also required" and
// "If the Content-Type header is present in the request, you must add it").
// The SDK signers leave only Authorization, User-Agent, Expect,
// Transfer-Encoding and X-Amzn-Trace-Id unsigned: none of them matches.
func unsignedHeader(h http.Header, signed []string, presigned bool) string {
	for name := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-amz-") && (presigned || lower != "content-type") {
			continue
		}
		if !containsFold(signed, lower) {
			return name
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func signsHost(signed []string) bool {
	for _, h := range signed {
		if strings.EqualFold(h, "host") || h == ":authority" {
			return true
		}
	}
	return false
}

// fromHeader parses the Authorization header and finds the request time,
// reporting every missing part at once as AWS does.
func fromHeader(h string, header http.Header) (Params, string, *Error) {
	p, problems := parseAuthorization(h)
	amz := header.Get("X-Amz-Date")
	if amz == "" {
		amz = dateHeader(header.Get("Date"))
	}
	if amz == "" {
		problems = append(problems, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(problems) > 0 {
		return p, "", incomplete(problems, h)
	}
	if err := checkScope(p); err != nil {
		return p, "", err
	}
	return p, amz, nil
}

// dateHeader converts an HTTP Date header to TimeFormat. Signers that use it
// (instead of X-Amz-Date) put the same instant into the string to sign in
// basic format; a value already in basic format is taken as it is.
func dateHeader(v string) string {
	if v == "" {
		return ""
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC().Format(TimeFormat)
	}
	return v
}

// fromQuery reads presigned-URL parameters.
func fromQuery(q query) (Params, string, *Error) {
	var missing []string
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.get(k) == "" {
			missing = append(missing, "AWS query-string parameters must include '"+k+"'.")
		}
	}
	if len(missing) > 0 {
		return Params{}, "", fail(Incomplete, "%s Re-examine the query-string parameters.", strings.Join(missing, " "))
	}
	p := Params{
		SignedHeaders: strings.Split(q.get("X-Amz-SignedHeaders"), ";"),
		Signature:     q.get("X-Amz-Signature"),
		Presigned:     true,
	}
	algo := q.get("X-Amz-Algorithm")
	if algo != Algorithm {
		return p, "", fail(Incomplete, "Unsupported AWS 'algorithm': '%s'.", algo)
	}
	if msg := p.setCredential(q.get("X-Amz-Credential")); msg != "" {
		return p, "", fail(Incomplete, "%s", msg)
	}
	if err := checkScope(p); err != nil {
		return p, "", err
	}
	return p, q.get("X-Amz-Date"), nil
}

func incomplete(problems []string, h string) *Error {
	return fail(Incomplete, "%s Authorization=%s", strings.Join(problems, " "), h)
}

// checkScope enforces what parsing alone does not: a known algorithm
// terminator and a well-formed scope date.
func checkScope(p Params) *Error {
	if _, err := time.Parse("20060102", p.Date); err != nil || len(p.Date) != 8 {
		return fail(Incomplete, "Credential should be scoped to a valid date in yyyyMMdd format, not '%s'.", p.Date)
	}
	if p.Region == "" {
		return fail(Incomplete, "Credential should be scoped to a valid region.")
	}
	if p.Service == "" {
		return fail(Incomplete, "Credential should be scoped to a valid service.")
	}
	return nil
}

func parseAmzDate(amz string) (time.Time, *Error) {
	t, err := time.Parse(TimeFormat, amz)
	if err != nil || len(amz) != len(TimeFormat) {
		return time.Time{}, fail(Incomplete, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amz)
	}
	return t, nil
}

// checkTime applies the 15-minute skew window, and for presigned URLs their
// X-Amz-Expires as well.
func checkTime(t, now time.Time, q query, presigned bool) *Error {
	now = now.UTC()
	f := func(t time.Time) string { return t.UTC().Format(TimeFormat) }
	if early := now.Add(-MaxSkew); !presigned && t.Before(early) {
		return fail(Expired, "Signature expired: %s is now earlier than %s (%s - 15 min.)", f(t), f(early), f(now))
	}
	if late := now.Add(MaxSkew); t.After(late) {
		return fail(Expired, "Signature not yet current: %s is still later than %s (%s + 15 min.)", f(t), f(late), f(now))
	}
	if !presigned {
		return nil
	}
	const maxExpires = 7 * 24 * 60 * 60
	raw := q.get("X-Amz-Expires")
	secs, err := strconv.Atoi(raw)
	if err != nil || secs < 0 || secs > maxExpires {
		return fail(Incomplete, "X-Amz-Expires must be an integer between 0 and %d seconds, not '%s'.", maxExpires, raw)
	}
	if end := t.Add(time.Duration(secs) * time.Second); now.After(end) {
		return fail(Expired, "Signature expired: %s is now earlier than %s (%s + %d sec.)", f(end), f(now), f(t), secs)
	}
	return nil
}

// payloadHash is the hex SHA-256 of the body, computed here rather than
// trusted from X-Amz-Content-Sha256: a lying header then simply fails the
// signature. Only the literal UNSIGNED-PAYLOAD is taken from the request.
func payloadHash(r *http.Request, q query, body []byte) string {
	if r.Header.Get("X-Amz-Content-Sha256") == UnsignedPayload || q.get("X-Amz-Content-Sha256") == UnsignedPayload {
		return UnsignedPayload
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// StringToSign builds the SigV4 string to sign.
func StringToSign(amzDate, scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// SigningKey derives the per-day, per-region, per-service key.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// keyCache remembers derived signing keys, as the SDK signers do: deriving
// one costs four HMACs (28 of Verify's 61 allocations), and a client uses the
// same key for every request of a day, region and service. Each is kept as a
// pooled HMAC under that key, ready for the next signature.
type keyCache struct {
	mu   sync.Mutex
	keys map[keyScope]*keyedhash.Hasher
}

type keyScope struct{ secret, date, region, service string }

// maxCachedKeys bounds the cache: with more distinct scopes than this (many
// users, or a flood of made-up scopes) it starts over rather than grow.
const maxCachedKeys = 256

var signingKeys = &keyCache{keys: map[keyScope]*keyedhash.Hasher{}}

func (c *keyCache) get(secret, date, region, service string) *keyedhash.Hasher {
	s := keyScope{secret, date, region, service}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.keys[s]; ok {
		return k
	}
	if len(c.keys) >= maxCachedKeys {
		clear(c.keys)
	}
	k := keyedhash.New(SigningKey(secret, date, region, service))
	c.keys[s] = k
	return k
}

// Signature is the lowercase hex HMAC of the string to sign.
func Signature(key []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// equalConstantTime compares a computed signature with the one sent, in time
// that does not depend on where they first differ.
func equalConstantTime(want []byte, got string) bool {
	if len(want) != len(got) {
		return false
	}
	var diff byte
	for i := range want {
		diff |= want[i] ^ got[i]
	}
	return diff == 0
}
