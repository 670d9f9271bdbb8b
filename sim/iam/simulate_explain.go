package iam

import (
	"encoding/json"
	"sort"
	"strings"

	"kmslab/policy"
)

// span is where a statement sits in its policy's text, 1-based as the IAM
// simulator reports it; End is just past the statement's closing brace.
type span struct{ start, end positionXML }

// statementSpans locates each statement of a policy document's text. It
// returns nil for text it cannot walk; positions are a courtesy, not a verdict.
func statementSpans(text string) []span {
	if text == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if k, _ := key.(string); k != "Statement" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil
			}
			continue
		}
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		switch t {
		case json.Delim('['):
			var out []span
			for dec.More() {
				sp, ok := objectSpan(dec, text)
				if !ok {
					return nil
				}
				out = append(out, sp)
			}
			return out
		case json.Delim('{'):
			start := int(dec.InputOffset()) - 1
			if !skipObject(dec) {
				return nil
			}
			return []span{{position(text, start), position(text, int(dec.InputOffset()))}}
		}
		return nil
	}
	return nil
}

func objectSpan(dec *json.Decoder, text string) (span, bool) {
	t, err := dec.Token()
	if err != nil || t != json.Delim('{') {
		return span{}, false
	}
	start := int(dec.InputOffset()) - 1
	if !skipObject(dec) {
		return span{}, false
	}
	return span{position(text, start), position(text, int(dec.InputOffset()))}, true
}

// skipObject consumes tokens up to the end of the object whose '{' was just read.
func skipObject(dec *json.Decoder) bool {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return true
}

// position converts a byte offset into a 1-based line and column.
func position(text string, off int) positionXML {
	if off > len(text) {
		off = len(text)
	}
	before := text[:off]
	line := strings.Count(before, "\n") + 1
	col := off - strings.LastIndexByte(before, '\n')
	return positionXML{Line: line, Column: col}
}

// missingContextKeys lists the condition keys that statements applying to
// action and resource test but ctx does not supply, as the simulator's
// MissingContextValues does. Null and ...IfExists conditions are satisfied by
// absence, so their keys are never missing.
func missingContextKeys(docs []*policy.Document, action, resource string, ctx policy.Context) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for i := range d.Statement {
			st := &d.Statement[i]
			if !statementApplies(st, action, resource) {
				continue
			}
			for op, keys := range st.Condition {
				if op == "Null" || strings.HasSuffix(op, "IfExists") {
					continue
				}
				for k := range keys {
					lk := strings.ToLower(k)
					if _, ok := ctx.Get(k); ok || seen[lk] {
						continue
					}
					seen[lk] = true
					out = append(out, k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func statementApplies(st *policy.Statement, action, resource string) bool {
	if st.Action != nil && !anyMatch(st.Action, action, true) {
		return false
	}
	if st.NotAction != nil && anyMatch(st.NotAction, action, true) {
		return false
	}
	if resource == "*" {
		return true
	}
	if st.Resource != nil && !anyMatch(st.Resource, resource, false) {
		return false
	}
	if st.NotResource != nil && anyMatch(st.NotResource, resource, false) {
		return false
	}
	return true
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if strings.Contains(p, "${") {
			return true // a policy variable: judge by the conditions, as it may well match
		}
		if fold {
			p, s = strings.ToLower(p), strings.ToLower(s)
		}
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches s against p with IAM's * and ? (iterative, no backtracking blow-up).
func wildcard(p, s string) bool {
	var ps, ss []byte = []byte(p), []byte(s)
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(ss) {
		switch {
		case pi < len(ps) && (ps[pi] == '?' || ps[pi] == ss[si]):
			pi++
			si++
		case pi < len(ps) && ps[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(ps) && ps[pi] == '*' {
		pi++
	}
	return pi == len(ps)
}
