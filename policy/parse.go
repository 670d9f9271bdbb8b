package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ParseError is a policy document IAM or KMS would refuse. Message is AWS's
// wording (what MalformedPolicyDocument carries); Detail says what exactly was
// wrong, for people learning the language.
type ParseError struct {
	Message string
	Detail  string
}

func (e *ParseError) Error() string { return e.Message }

// AWS's messages for malformed documents.
const (
	msgInvalidJSON      = "This policy contains invalid Json"
	msgSyntax           = "Syntax errors in policy."
	msgLegacy           = "The policy failed legacy parsing"
	msgPrincipalInIAM   = "Policy document should not specify a principal."
	msgMissingPrincipal = "Missing required field Principal"
	msgNoActions        = "Policy statement must contain actions."
	msgNoResources      = "Policy statement must contain resources."
	msgVendor           = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgSidAlnum         = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgSidUnique        = "Statement IDs (SID) in a single policy must be unique."
	msgInvalidPrincipal = "Invalid principal in policy: %s"
	msgResourceNotARN   = "Resource %s must be in ARN format or \"*\"."
)

func syntaxErr(format string, args ...any) *ParseError {
	return &ParseError{Message: msgSyntax, Detail: fmt.Sprintf(format, args...)}
}

type docKind int

const (
	kindAny      docKind = iota
	kindIdentity         // IAM identity policy: no principal, resources required
	kindResource         // resource or key policy: principal required
)

// Parse parses and validates a policy document with the rules every policy
// follows; it accepts a Principal but does not require one.
func Parse(data []byte) (*Document, error) { return parse(data, kindAny) }

// ParseIdentity parses an IAM identity policy (managed or inline): no Principal,
// Resource required, statement ids alphanumeric and unique.
func ParseIdentity(data []byte) (*Document, error) { return parse(data, kindIdentity) }

// ParseResource parses a resource policy such as a KMS key policy: every
// statement names a Principal or NotPrincipal.
func ParseResource(data []byte) (*Document, error) { return parse(data, kindResource) }

func parse(data []byte, kind docKind) (*Document, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	if err := doc.validate(kind); err != nil {
		return nil, err
	}
	return doc, nil
}

// decodeDocument checks the JSON shape: exact element names, strings where
// strings belong, Statement as an object or a list of objects.
func decodeDocument(data []byte) (*Document, error) {
	if !json.Valid(data) {
		return nil, &ParseError{Message: msgInvalidJSON, Detail: "the document is not valid JSON"}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, &ParseError{Message: msgInvalidJSON, Detail: "the document is not a JSON object"}
	}
	doc := &Document{}
	for name, raw := range top {
		switch name {
		case "Version":
			if err := decodeString(raw, &doc.Version); err != nil {
				return nil, syntaxErr("Version must be a string")
			}
		case "Id":
			if err := decodeString(raw, &doc.ID); err != nil {
				return nil, syntaxErr("Id must be a string")
			}
		case "Statement":
		default:
			return nil, syntaxErr("unknown element %q at the top level", name)
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, syntaxErr("the document has no Statement")
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		st, err := decodeStatement(raw)
		if err != nil {
			return nil, err
		}
		doc.Statement = []Statement{*st}
		doc.single = true
	case len(raw) > 0 && raw[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, syntaxErr("Statement must be an object or a list of objects")
		}
		if len(items) == 0 {
			return nil, syntaxErr("Statement is empty")
		}
		for i, item := range items {
			st, err := decodeStatement(item)
			if err != nil {
				if pe, ok := err.(*ParseError); ok && pe.Detail != "" {
					pe.Detail = fmt.Sprintf("statement %d: %s", i+1, pe.Detail)
				}
				return nil, err
			}
			doc.Statement = append(doc.Statement, *st)
		}
	default:
		return nil, syntaxErr("Statement must be an object or a list of objects")
	}
	return doc, nil
}

func decodeString(raw json.RawMessage, dst *string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return fmt.Errorf("not a string")
	}
	return json.Unmarshal(raw, dst)
}

func decodeStatement(raw json.RawMessage) (*Statement, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, syntaxErr("a statement must be a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, syntaxErr("a statement must be a JSON object")
	}
	st := &Statement{}
	markList := func(name string, single bool, l StringList) {
		if !single && len(l) == 1 {
			if st.lists == nil {
				st.lists = map[string]bool{}
			}
			st.lists[name] = true
		}
	}
	for name, v := range fields {
		var err error
		switch name {
		case "Sid":
			if decodeString(v, &st.Sid) != nil {
				return nil, syntaxErr("Sid must be a string")
			}
		case "Effect":
			if decodeString(v, &st.Effect) != nil {
				return nil, syntaxErr("Effect must be a string")
			}
		case "Principal":
			st.Principal, err = decodePrincipal(v)
		case "NotPrincipal":
			st.NotPrincipal, err = decodePrincipal(v)
		case "Action", "NotAction", "Resource", "NotResource":
			l, single, derr := decodeStrings(v, false)
			if derr != nil {
				return nil, syntaxErr("%s must be a string or a list of strings", name)
			}
			markList(name, single, l)
			switch name {
			case "Action":
				st.Action = l
			case "NotAction":
				st.NotAction = l
			case "Resource":
				st.Resource = l
			default:
				st.NotResource = l
			}
		case "Condition":
			err = decodeCondition(v, st, markList)
		default:
			return nil, syntaxErr("unknown element %q in a statement", name)
		}
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

func decodeCondition(raw json.RawMessage, st *Statement, markList func(string, bool, StringList)) error {
	var ops map[string]json.RawMessage
	if !isObject(raw) || json.Unmarshal(raw, &ops) != nil {
		return syntaxErr("Condition must be an object of operators")
	}
	st.Condition = make(map[string]map[string]StringList, len(ops))
	for op, body := range ops {
		var keys map[string]json.RawMessage
		if !isObject(body) || json.Unmarshal(body, &keys) != nil {
			return syntaxErr("Condition operator %s must map condition keys to values", op)
		}
		m := make(map[string]StringList, len(keys))
		for k, v := range keys {
			l, single, bare, err := decodeValues(v, true)
			if err != nil {
				return syntaxErr("values of %s %s must be strings, booleans or numbers", op, k)
			}
			markList(conditionListKey(op, k), single, l)
			for _, i := range bare {
				if st.lists == nil {
					st.lists = map[string]bool{}
				}
				st.lists[bareValueKey(op, k, i)] = true
			}
			m[k] = l
		}
		st.Condition[op] = m
	}
	return nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func decodePrincipal(raw json.RawMessage) (*Principal, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, syntaxErr("Principal must be \"*\" or an object")
		}
		if s != "*" {
			return nil, &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, string(raw)), Detail: "a string principal can only be \"*\""}
		}
		return &Principal{Wildcard: true}, nil
	}
	var fields map[string]json.RawMessage
	if !isObject(raw) || json.Unmarshal(raw, &fields) != nil {
		return nil, syntaxErr("Principal must be \"*\" or an object")
	}
	p := &Principal{}
	for name, v := range fields {
		l, single, err := decodeStrings(v, false)
		if err != nil {
			return nil, syntaxErr("Principal %s must be a string or a list of strings", name)
		}
		var bit uint8
		switch name {
		case "AWS":
			p.AWS, bit = l, listAWS
		case "Service":
			p.Service, bit = l, listService
		case "Federated":
			p.Federated, bit = l, listFederated
		default:
			return nil, syntaxErr("unknown principal type %q", name)
		}
		if !single && len(l) == 1 {
			p.lists |= bit
		}
	}
	return p, nil
}

// decodeStrings reads a string or a list of strings; with scalars it also takes
// booleans and numbers (condition values), keeping their JSON text. single
// reports a bare value rather than a list.
func decodeStrings(raw []byte, scalars bool) (l StringList, single bool, err error) {
	l, single, _, err = decodeValues(raw, scalars)
	return l, single, err
}

// decodeValues is decodeStrings also reporting which values were bare JSON
// booleans or numbers, so they can be written back the same way.
func decodeValues(raw []byte, scalars bool) (l StringList, single bool, bare []int, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, false, nil, err
		}
		l = make(StringList, 0, len(items))
		for i, item := range items {
			s, isBare, err := decodeScalar(item, scalars)
			if err != nil {
				return nil, false, nil, err
			}
			if isBare {
				bare = append(bare, i)
			}
			l = append(l, s)
		}
		return l, false, bare, nil
	}
	s, isBare, err := decodeScalar(raw, scalars)
	if err != nil {
		return nil, false, nil, err
	}
	if isBare {
		bare = []int{0}
	}
	return StringList{s}, true, bare, nil
}

func decodeScalar(raw []byte, scalars bool) (s string, bare bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false, fmt.Errorf("empty value")
	}
	switch c := raw[0]; {
	case c == '"':
		err := json.Unmarshal(raw, &s)
		return s, false, err
	case scalars && (c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9')):
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", false, err
		}
		return string(raw), true, nil
	}
	return "", false, fmt.Errorf("not a string")
}

// validate applies IAM's and KMS's semantic checks for the kind of document.
func (d *Document) validate(kind docKind) error {
	if d.Version != "" && d.Version != Version2012 && d.Version != Version2008 {
		return &ParseError{Message: msgLegacy, Detail: fmt.Sprintf("Version %q is neither %s nor %s", d.Version, Version2012, Version2008)}
	}
	if len(d.Statement) == 0 {
		return syntaxErr("the document has no statements")
	}
	sids := map[string]bool{}
	for i := range d.Statement {
		if err := d.Statement[i].validate(kind); err != nil {
			if pe, ok := err.(*ParseError); ok {
				where := fmt.Sprintf("statement %d", i+1)
				if sid := d.Statement[i].Sid; sid != "" {
					where = fmt.Sprintf("statement %q", sid)
				}
				pe.Detail = where + ": " + pe.Detail
			}
			return err
		}
		if sid := d.Statement[i].Sid; kind == kindIdentity && sid != "" {
			if sids[sid] {
				return &ParseError{Message: msgSidUnique, Detail: fmt.Sprintf("Sid %q appears twice", sid)}
			}
			sids[sid] = true
		}
	}
	return nil
}

func (s *Statement) validate(kind docKind) error {
	if s.Effect != EffectAllow && s.Effect != EffectDeny {
		return syntaxErr("Effect must be Allow or Deny, not %q", s.Effect)
	}
	if s.Action == nil && s.NotAction == nil {
		return &ParseError{Message: msgNoActions, Detail: "no Action or NotAction"}
	}
	if s.Action != nil && s.NotAction != nil {
		return syntaxErr("Action and NotAction cannot both appear")
	}
	if s.Resource != nil && s.NotResource != nil {
		return syntaxErr("Resource and NotResource cannot both appear")
	}
	if s.Principal != nil && s.NotPrincipal != nil {
		return syntaxErr("Principal and NotPrincipal cannot both appear")
	}
	if kind == kindIdentity {
		if s.Principal != nil || s.NotPrincipal != nil {
			return &ParseError{Message: msgPrincipalInIAM, Detail: "identity policies apply to whoever they are attached to"}
		}
		if s.Resource == nil && s.NotResource == nil {
			return &ParseError{Message: msgNoResources, Detail: "no Resource or NotResource"}
		}
		for _, r := range s.Sid {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return &ParseError{Message: msgSidAlnum, Detail: fmt.Sprintf("Sid %q", s.Sid)}
			}
		}
	}
	if kind == kindResource && s.Principal == nil && s.NotPrincipal == nil {
		return &ParseError{Message: msgMissingPrincipal, Detail: "resource policies must say who they apply to"}
	}
	for _, a := range append(append(StringList{}, s.Action...), s.NotAction...) {
		if a != "*" && !hasVendor(a) {
			return &ParseError{Message: msgVendor, Detail: fmt.Sprintf("action %q has no service prefix", a)}
		}
	}
	for _, r := range append(append(StringList{}, s.Resource...), s.NotResource...) {
		if !validResource(r) {
			return &ParseError{Message: fmt.Sprintf(msgResourceNotARN, r), Detail: "resources are ARNs (wildcards allowed) or \"*\""}
		}
	}
	for _, p := range []*Principal{s.Principal, s.NotPrincipal} {
		if err := p.validate(); err != nil {
			return err
		}
	}
	for op, keys := range s.Condition {
		if _, err := parseOperator(op); err != nil {
			return err
		}
		for k := range keys {
			if !hasVendor(k) {
				return &ParseError{Message: msgVendor, Detail: fmt.Sprintf("condition key %q has no service prefix", k)}
			}
		}
	}
	return nil
}

func hasVendor(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0
}

func validResource(r string) bool {
	if r == "*" {
		return true
	}
	if !strings.HasPrefix(r, "arn:") {
		return false
	}
	return strings.Count(r, ":") >= 5 || strings.Contains(r, "*")
}

func (p *Principal) validate() error {
	if p == nil || p.Wildcard {
		return nil
	}
	if p.AWS == nil && p.Service == nil && p.Federated == nil {
		return &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, "{}"), Detail: "the principal names nobody"}
	}
	for _, a := range p.AWS {
		if a != "*" && !isAccountID(a) && !strings.HasPrefix(a, "arn:") {
			return &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, fmt.Sprintf("%q:%q", "AWS", a)),
				Detail: "AWS principals are \"*\", a 12-digit account id or an ARN"}
		}
	}
	for _, l := range []struct {
		name string
		v    StringList
	}{{"Service", p.Service}, {"Federated", p.Federated}} {
		for _, v := range l.v {
			if v == "" {
				return &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, fmt.Sprintf("%q:%q", l.name, v)), Detail: "empty principal"}
			}
		}
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
