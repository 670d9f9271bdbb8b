package awsops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"kmslab/policy"
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

// RemoveKeyUser takes principal out of the "Allow use of the key" statement,
// dropping the statement if it named nobody else; everything else is kept.
func RemoveKeyUser(p, principal string) (string, error) {
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
		if !isUseStatement(st) {
			out = append(out, raw)
			continue
		}
		next, empty, err := dropPrincipal(st, principal)
		if err != nil {
			return "", err
		}
		if !empty {
			out = append(out, next.bytes())
		}
	}
	return withPolicyStatements(doc, out), nil
}

func dropPrincipal(st object, principal string) (object, bool, error) {
	raw, ok := st.get("Principal")
	if !ok {
		return st, false, nil
	}
	p, err := parseObject(raw)
	if err != nil {
		return st, false, nil // "*" or another shape: nothing names the user
	}
	awsRaw, ok := p.get("AWS")
	if !ok {
		return st, false, nil
	}
	list, err := awsPrincipals(awsRaw)
	if err != nil {
		return nil, false, err
	}
	var kept []string
	for _, a := range list {
		if a != principal {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		return nil, true, nil
	}
	p = p.set("AWS", marshalRaw(kept))
	return st.set("Principal", p.bytes()), false, nil
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

// WithStatement returns policy with one more statement (JSON text) at the
// end, everything else kept as it was.
func WithStatement(policy, statement string) (string, error) {
	if _, err := parseObject([]byte(statement)); err != nil {
		return "", fmt.Errorf("statement: %w", err)
	}
	return addStatement(policy, []byte(statement))
}

// policyDiffLabels is a unified diff with the given file labels.
func policyDiffLabels(from, to, before, after string) string {
	if before == after {
		return ""
	}
	if before != "" {
		before = ensureNewline(before)
	}
	return udiff.Unified(from, to, before, ensureNewline(after))
}

// PolicyError is a key policy the lab refuses to apply: what is wrong and,
// when it can be placed, the line (1-based; 0 when unknown).
type PolicyError struct {
	Line    int
	Message string
}

func (e *PolicyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// ValidateKeyPolicy checks a key policy as KMS would before applying it: JSON
// syntax (with the line of the mistake) and the policy language's rules.
func ValidateKeyPolicy(doc string) error {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return &PolicyError{Line: lineAt(doc, int(se.Offset)), Message: "invalid JSON: " + se.Error()}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &PolicyError{Line: lineAt(doc, int(te.Offset)), Message: "invalid JSON: " + te.Error()}
		}
		return &PolicyError{Message: "invalid JSON: " + err.Error()}
	}
	if _, err := policy.ParseResource([]byte(doc)); err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if pe.Detail != "" {
				msg += " (" + pe.Detail + ")"
			}
			return &PolicyError{Message: msg}
		}
		return &PolicyError{Message: err.Error()}
	}
	return nil
}

// lineAt is the 1-based line of byte offset off in s.
func lineAt(s string, off int) int {
	off = min(max(off, 0), len(s))
	return strings.Count(s[:off], "\n") + 1
}

// SidRoot is the Sid of the console key policy's statement that lets the
// account's IAM policies speak for the key.
const SidRoot = sidRoot

// IdentityPolicy is a one-statement IAM policy on the given actions.
func IdentityPolicy(effect string, actions []string, resource string) string {
	st := object{
		{"Effect", marshalRaw(effect)},
		{"Action", marshalRaw(actions)},
		{"Resource", marshalRaw(resource)},
	}
	doc := object{{"Version", marshalRaw("2012-10-17")}, {"Statement", []byte("[" + string(st.bytes()) + "]")}}
	return PrettyJSON(string(doc.bytes()))
}

// ConditionedUseStatement is a key policy statement letting principal
// Decrypt and DescribeKey only when condition (operator, key, value) holds,
// e.g. StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com.
func ConditionedUseStatement(sid, principal, operator string, key policy.Key, value string) string {
	return string(object{
		{"Sid", marshalRaw(sid)},
		{"Effect", marshalRaw("Allow")},
		{"Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()},
		{"Action", marshalRaw([]string{"kms:Decrypt", "kms:DescribeKey"})},
		{"Resource", marshalRaw("*")},
		{"Condition", object{{operator, object{{string(key), marshalRaw(value)}}.bytes()}}.bytes()},
	}.bytes())
}

func newDocDiff(label, doc string) string {
	return policyDiffLabels(label+" (none)", label, "", PrettyJSON(doc))
}
