package policydoc

import (
	"encoding/json"
	"errors"
	"fmt"

	"kmslab/policy"
)

// Statement ids and actions of the console's default key policy.
const (
	sidRoot   = policy.ConsoleSidRoot
	sidAdmins = policy.ConsoleSidAdmins
	sidUse    = policy.ConsoleSidUse
	sidAttach = policy.ConsoleSidAttach
)

var useActions = policy.ConsoleUseActions

// consolePolicy is the key policy the KMS console writes when one principal
// is both Key Administrator and Key User.
func consolePolicy(partition, account, principal string) string {
	p := []string{principal}
	return policy.ConsoleKeyPolicy(partition, account, p, p)
}

// ConsolePolicy is the key policy the lab's key is created with (the console's default with
// principal as Key Administrator and Key User). It is exported so that the
// AWS CLI commands a step shows write the very document the lab writes.
func ConsolePolicy(partition, account, principal string) string {
	return consolePolicy(partition, account, principal)
}

// AddKeyUser returns policy with principal added to the "Allow use of the
// key" statement, creating the statement if there is none. Every other
// statement, and every other part of that one, is kept as it was. added is
// false when the principal was already there (or the statement allows every
// principal), in which case out equals the pretty-printed input.
func AddKeyUser(policy, principal string) (out string, added bool, err error) {
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
		return PrettyJSON(policy), false, nil
	}
	return withPolicyStatements(doc, stmts), true, nil
}

// WithKeyUser returns policy with principal added to its "Allow use of the
// key" statement, as the lab's grant step changes it.
func WithKeyUser(policy, principal string) (string, error) {
	out, _, err := AddKeyUser(policy, principal)
	return out, err
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

// awsPrincipals reads a Principal's "AWS" value, which IAM's grammar allows
// as one string or a list of strings.
func awsPrincipals(raw json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("Principal.AWS is neither a string nor a list of strings")
	}
	return list, nil
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
	list, err := awsPrincipals(awsRaw)
	if err != nil {
		return nil, false, err
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
