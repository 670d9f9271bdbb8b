package wire

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"kmslab/sim/api"
)

// The awsQuery protocol flattens lists and maps into numbered form keys:
//
//	Tags.member.1.Key=a&Tags.member.1.Value=b   (list of structures)
//	PolicyArns.member.1=arn:...                 (list of strings)
//	Attributes.entry.1.key=k&Attributes.entry.1.value=v   (map)
//
// An empty list is sent as the bare name with an empty value ("Tags=").
// Indices start at 1; the SDKs never leave gaps, but a hand-written request
// may, so members come back in index order and gaps are simply skipped.

// maxFormIndex bounds member indices: no AWS list in the APIs we serve is
// anywhere near this long, and a bound keeps a hostile "member.99999999999"
// from meaning anything.
const maxFormIndex = 100000

// FormList returns the values of prefix.member.1, prefix.member.2, ... in index order.
func FormList(form url.Values, prefix string) ([]string, error) {
	idx, err := memberIndices(form, prefix+".member.", false)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(idx))
	for _, n := range idx {
		out = append(out, form.Get(prefix+".member."+strconv.Itoa(n)))
	}
	return out, nil
}

// FormMembers returns the structures of a list, prefix.member.N.Field=..., one
// form per member with "prefix.member.N." removed from its keys, in index order.
// Nested lists stay addressable: FormList(member, "Values").
func FormMembers(form url.Values, prefix string) ([]url.Values, error) {
	return structs(form, prefix+".member.")
}

// FormMap returns a map sent as prefix.entry.N.key / prefix.entry.N.value.
func FormMap(form url.Values, prefix string) (map[string]string, error) {
	entries, err := structs(form, prefix+".entry.")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		k, ok := e["key"]
		if !ok || len(k) == 0 {
			return nil, malformed("map entry of %s without a key", prefix)
		}
		out[k[0]] = e.Get("value")
	}
	return out, nil
}

// FormHas reports whether the form carries name at all, as a scalar, an empty
// list ("name=") or any member or entry of one.
func FormHas(form url.Values, name string) bool {
	if _, ok := form[name]; ok {
		return true
	}
	for k := range form {
		if strings.HasPrefix(k, name+".") {
			return true
		}
	}
	return false
}

func structs(form url.Values, base string) ([]url.Values, error) {
	idx, err := memberIndices(form, base, true)
	if err != nil {
		return nil, err
	}
	byIndex := make(map[int]url.Values, len(idx))
	for _, n := range idx {
		byIndex[n] = url.Values{}
	}
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, base)
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		if !ok || field == "" {
			continue // a bare "base.N": nothing to put in a structure
		}
		n, err := parseIndex(num)
		if err != nil {
			return nil, err
		}
		byIndex[n][field] = vs
	}
	out := make([]url.Values, 0, len(idx))
	for _, n := range idx {
		out = append(out, byIndex[n])
	}
	return out, nil
}

// memberIndices lists the distinct indices under base ("Tags.member."), sorted.
// With fields set, only keys of the form base.N.Field count; otherwise only base.N.
func memberIndices(form url.Values, base string, fields bool) ([]int, error) {
	seen := map[int]bool{}
	for k := range form {
		rest, ok := strings.CutPrefix(k, base)
		if !ok {
			continue
		}
		num, field, hasField := strings.Cut(rest, ".")
		if hasField != fields || (fields && field == "") {
			continue
		}
		n, err := parseIndex(num)
		if err != nil {
			return nil, err
		}
		seen[n] = true
	}
	idx := make([]int, 0, len(seen))
	for n := range seen {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	return idx, nil
}

func parseIndex(s string) (int, error) {
	if s == "" || len(s) > 6 || s[0] == '0' {
		return 0, malformed("invalid list index %q", s)
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, malformed("invalid list index %q", s)
		}
		n = n*10 + int(c-'0')
	}
	if n > maxFormIndex {
		return 0, malformed("list index %d is too large", n)
	}
	return n, nil
}

func malformed(format string, args ...any) *api.Error {
	return api.BadRequest("MalformedQueryString", "The query string is malformed: "+format, args...)
}
