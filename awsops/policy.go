package awsops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Statement ids of the console's default key policy.
const (
	sidRoot   = "Enable IAM User Permissions"
	sidAdmins = "Allow access for Key Administrators"
	sidUse    = "Allow use of the key"
	sidAttach = "Allow attachment of persistent resources"
)

var (
	adminActions = []string{
		"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
		"kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
		"kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
	}
	useActions    = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
	attachActions = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
)

// consolePolicy is the key policy the KMS console writes when one principal
// is both Key Administrator and Key User. Principals are lists so that
// adding one later changes a single line.
func consolePolicy(partition, account, principal string) string {
	type principalT struct {
		AWS []string `json:"AWS"`
	}
	type stmt struct {
		Sid       string         `json:"Sid"`
		Effect    string         `json:"Effect"`
		Principal any            `json:"Principal"`
		Action    any            `json:"Action"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		ID        string `json:"Id"`
		Statement []stmt `json:"Statement"`
	}{
		Version: "2012-10-17",
		ID:      "key-consolepolicy-3",
		Statement: []stmt{
			{Sid: sidRoot, Effect: "Allow", Principal: map[string]string{"AWS": "arn:" + partition + ":iam::" + account + ":root"}, Action: "kms:*", Resource: "*"},
			{Sid: sidAdmins, Effect: "Allow", Principal: principalT{[]string{principal}}, Action: adminActions, Resource: "*"},
			{Sid: sidUse, Effect: "Allow", Principal: principalT{[]string{principal}}, Action: useActions, Resource: "*"},
			{Sid: sidAttach, Effect: "Allow", Principal: principalT{[]string{principal}}, Action: attachActions, Resource: "*",
				Condition: map[string]any{"Bool": map[string]string{"kms:GrantIsForAWSResource": "true"}}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // a fixed document of strings always encodes
	}
	return string(b)
}

// prettyJSON indents a JSON document two spaces, keeping its key order; text
// that is not JSON comes back unchanged.
func prettyJSON(s string) string {
	var c bytes.Buffer
	if err := json.Compact(&c, []byte(s)); err != nil {
		return s
	}
	var out bytes.Buffer
	if err := json.Indent(&out, c.Bytes(), "", "  "); err != nil {
		return s
	}
	return out.String()
}

// member is one key of a JSON object, its value kept verbatim.
type member struct {
	Key   string
	Value json.RawMessage
}

// object is a JSON object that remembers its key order, so an edited policy
// differs from the original only where it was edited.
type object []member

func parseObject(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var o object
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := t.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o = append(o, member{k, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return o, nil
}

func (o object) get(k string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.Key == k {
			return m.Value, true
		}
	}
	return nil, false
}

func (o object) set(k string, v json.RawMessage) object {
	for i, m := range o {
		if m.Key == k {
			o[i].Value = v
			return o
		}
	}
	return append(o, member{k, v})
}

func (o object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalString(m.Key))
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// marshalString encodes s without escaping <, > and &, which policies may hold.
func marshalString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimRight(b.Bytes(), "\n")
}

func marshalRaw(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only called with strings and slices of strings
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// addKeyUser returns policy with principal added to the "Allow use of the
// key" statement, creating the statement if there is none. Every other
// statement, and every other part of that one, is kept as it was. added is
// false when the principal was already there (or the statement allows every
// principal), in which case out equals the pretty-printed input.
func addKeyUser(policy, principal string) (out string, added bool, err error) {
	doc, stmts, err := policyStatements(policy)
	if err != nil {
		return "", false, err
	}

	found := false
	for i, raw := range stmts {
		st, err := parseObject(raw)
		if err != nil {
			return "", false, fmt.Errorf("key policy statement %d: %w", i, err)
		}
		if !isUseStatement(st) {
			continue
		}
		found = true
		next, changed, err := addPrincipal(st, principal)
		if err != nil {
			return "", false, fmt.Errorf("key policy statement %q: %w", sidUse, err)
		}
		if changed {
			stmts[i] = next.bytes()
			added = true
		}
		break
	}
	if !found {
		st := object{
			{"Sid", marshalRaw(sidUse)},
			{"Effect", marshalRaw("Allow")},
			{"Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()},
			{"Action", marshalRaw(useActions)},
			{"Resource", marshalRaw("*")},
		}
		stmts = append(stmts, st.bytes())
		added = true
	}
	if !added {
		return prettyJSON(policy), false, nil
	}
	return withPolicyStatements(doc, stmts), true, nil
}

func isUseStatement(st object) bool {
	raw, ok := st.get("Sid")
	if !ok {
		return false
	}
	var sid string
	if json.Unmarshal(raw, &sid) != nil || sid != sidUse {
		return false
	}
	raw, ok = st.get("Effect")
	var effect string
	return ok && json.Unmarshal(raw, &effect) == nil && effect == "Allow"
}

// addPrincipal puts principal first in the statement's Principal.AWS, so the
// diff shows one new line and leaves the others untouched.
func addPrincipal(st object, principal string) (object, bool, error) {
	raw, ok := st.get("Principal")
	if !ok {
		return st.set("Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()), true, nil
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star == "*" {
			return st, false, nil
		}
		return nil, false, fmt.Errorf("unexpected Principal %q", star)
	}
	p, err := parseObject(raw)
	if err != nil {
		return nil, false, fmt.Errorf("principal: %w", err)
	}
	awsRaw, ok := p.get("AWS")
	if !ok {
		p = p.set("AWS", marshalRaw([]string{principal}))
		return st.set("Principal", p.bytes()), true, nil
	}
	var list []string
	var one string
	switch {
	case json.Unmarshal(awsRaw, &one) == nil:
		list = []string{one}
	case json.Unmarshal(awsRaw, &list) == nil:
	default:
		return nil, false, errors.New("Principal.AWS is neither a string nor a list of strings")
	}
	for _, a := range list {
		if a == principal || a == "*" {
			return st, false, nil
		}
	}
	list = append([]string{principal}, list...)
	p = p.set("AWS", marshalRaw(list))
	return st.set("Principal", p.bytes()), true, nil
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
