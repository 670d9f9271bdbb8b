package policydoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// policyStatements returns a policy's parsed top level and its statements, a
// single statement object counting as a list of one.
func policyStatements(p string) (object, []json.RawMessage, error) {
	doc, err := parseObject([]byte(p))
	if err != nil {
		return nil, nil, fmt.Errorf("key policy: %w", err)
	}
	raw, ok := doc.get("Statement")
	if !ok {
		return nil, nil, errors.New("key policy has no Statement")
	}
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return doc, []json.RawMessage{raw}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, nil, fmt.Errorf("key policy Statement: %w", err)
	}
	return doc, list, nil
}

func withPolicyStatements(doc object, list []json.RawMessage) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(s)
	}
	b.WriteByte(']')
	return PrettyJSON(string(doc.set("Statement", b.Bytes()).bytes()))
}

func sidOf(st object) string {
	raw, ok := st.get("Sid")
	if !ok {
		return ""
	}
	var sid string
	_ = json.Unmarshal(raw, &sid)
	return sid
}

// DropStatement removes the statement with the given Sid.
func DropStatement(p, sid string) (string, error) {
	doc, list, err := policyStatements(p)
	if err != nil {
		return "", err
	}
	var out []json.RawMessage
	for _, raw := range list {
		st, err := parseObject(raw)
		if err != nil {
			return "", err
		}
		if sidOf(st) != sid {
			out = append(out, raw)
		}
	}
	return withPolicyStatements(doc, out), nil
}

// addStatement appends one statement.
func addStatement(p string, st []byte) (string, error) {
	doc, list, err := policyStatements(p)
	if err != nil {
		return "", err
	}
	return withPolicyStatements(doc, append(list, st)), nil
}

// PutStatement adds statement (JSON text) at the end of policy, replacing
// the statement with the same Sid, if any; everything else is kept as it was.
func PutStatement(policy, statement string) (string, error) {
	st, err := parseObject([]byte(statement))
	if err != nil {
		return "", err
	}
	base := policy
	if sid := sidOf(st); sid != "" {
		if dropped, derr := DropStatement(policy, sid); derr == nil {
			base = dropped
		}
	}
	return WithStatement(base, statement)
}

// WithStatement returns policy with one more statement (JSON text) at the
// end, everything else kept as it was.
func WithStatement(policy, statement string) (string, error) {
	if _, err := parseObject([]byte(statement)); err != nil {
		return "", fmt.Errorf("statement: %w", err)
	}
	return addStatement(policy, []byte(statement))
}

// SidAt finds the Sid of the statement of policy that contains the 1-based
// line and column, as IAM's policy simulator reports statement positions.
func SidAt(policy string, line, col int) string {
	off := offsetOf(policy, line, col)
	for _, s := range statementRanges(policy) {
		if off >= s.start && off < s.end {
			return s.sid
		}
	}
	return ""
}

func offsetOf(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	return off + max(col-1, 0)
}

type stmtRange struct {
	start, end int
	sid        string
}

// statementRanges finds the byte range and Sid of each statement in policy.
func statementRanges(policy string) []stmtRange {
	doc, err := parseObject([]byte(policy))
	if err != nil {
		return nil
	}
	raw, ok := doc.get("Statement")
	if !ok {
		return nil
	}
	base := strings.Index(policy, string(raw))
	if base < 0 {
		// The raw value is verbatim from the text, so this does not happen;
		// without it there are no positions to map.
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var out []stmtRange
	one := func() bool {
		var st json.RawMessage
		start := int(dec.InputOffset())
		if err := dec.Decode(&st); err != nil {
			return false
		}
		r := stmtRange{start: base + start, end: base + int(dec.InputOffset())}
		var s struct{ Sid string }
		_ = json.Unmarshal(st, &s)
		r.sid = s.Sid
		out = append(out, r)
		return true
	}
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		one()
		return out
	}
	if _, err := dec.Token(); err != nil {
		return nil
	}
	for dec.More() {
		if !one() {
			return out
		}
	}
	return out
}
