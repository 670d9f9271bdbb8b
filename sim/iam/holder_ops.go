package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
)

// The policy operations users, groups and roles share, parameterized by kind.
// Each operation's own file names the action and shapes the result.

// entityAndPolicyName reads the entity's name parameter and PolicyName.
func entityAndPolicyName(form url.Values, k kind) (string, string, error) {
	v := newValidator(form)
	name, _ := v.str(k.param, true, k.rule)
	policyName, _ := v.str("PolicyName", true, rulePolicyName)
	return name, policyName, v.err()
}

func noSuchInline(k kind, name string) *api.Error {
	return api.Errorf(http.StatusNotFound, "NoSuchEntity", "The %s policy with name %s cannot be found.", k.noun, name)
}

// putInline adds or replaces an inline policy of the named entity.
func (s *Service) putInline(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	v := newValidator(form)
	name, _ := v.str(k.param, true, k.rule)
	policyName, _ := v.str("PolicyName", true, rulePolicyName)
	text, _ := v.str("PolicyDocument", true, rulePolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, name), nil); err != nil {
		return nil, err
	}
	doc, err := policy.ParseIdentity([]byte(text))
	if err != nil {
		return nil, malformedPolicy(err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	h, canonical, err := k.find(s, name)
	if err != nil {
		return nil, err
	}
	size := policySize(text)
	for n, p := range h.Inline {
		if n != policyName {
			size += policySize(p.Text)
		}
	}
	if size > k.maxInline {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Maximum policy size of %d bytes exceeded for %s %s", k.maxInline, k.noun, canonical)
	}
	h.Inline[policyName] = &inlinePolicy{Name: policyName, Text: text, Doc: doc}
	return nil, nil
}

// getInline returns the entity's own name and the inline policy's name and text.
func (s *Service) getInline(ctx context.Context, form url.Values, k kind, action string) (string, *inlinePolicy, error) {
	name, policyName, err := entityAndPolicyName(form, k)
	if err != nil {
		return "", nil, err
	}
	if err := s.require(ctx, action, k.resource(s, name), nil); err != nil {
		return "", nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, canonical, err := k.find(s, name)
	if err != nil {
		return "", nil, err
	}
	p, ok := h.Inline[policyName]
	if !ok {
		return "", nil, noSuchInline(k, policyName)
	}
	return canonical, p, nil
}

// deleteInline removes an inline policy of the named entity.
func (s *Service) deleteInline(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	name, policyName, err := entityAndPolicyName(form, k)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, name), nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, _, err := k.find(s, name)
	if err != nil {
		return nil, err
	}
	if _, ok := h.Inline[policyName]; !ok {
		return nil, noSuchInline(k, policyName)
	}
	delete(h.Inline, policyName)
	return nil, nil
}

type listInlineResult struct {
	PolicyNames members[string] `xml:"PolicyNames"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

// listInline lists the names of the entity's inline policies, sorted.
func (s *Service) listInline(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	names, marker, maxItems, err := listHolder(ctx, s, form, k, action, nil, sortedInline)
	if err != nil {
		return nil, err
	}
	got, truncated, next, err := page(names, func(n string) string { return n }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listInlineResult{PolicyNames: list(append([]string{}, got...)), IsTruncated: truncated, Marker: next}, nil
}

// listHolder is the opening of listInline and listAttached: read the
// entity's name, the list's own parameters (params, in AWS's order of
// validation), Marker and MaxItems; authorize action on the entity; then
// collect what is listed from the entity under the read lock.
func listHolder[T any](ctx context.Context, s *Service, form url.Values, k kind, action string,
	params func(*validator), collect func(*policyHolder) T) (listed T, marker string, maxItems int, err error) {
	v := newValidator(form)
	name, _ := v.str(k.param, true, k.rule)
	if params != nil {
		params(v)
	}
	marker, _ = v.str("Marker", false, ruleMarker)
	maxItems = v.maxItems()
	if err := v.err(); err != nil {
		return listed, "", 0, err
	}
	if err := s.require(ctx, action, k.resource(s, name), nil); err != nil {
		return listed, "", 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, _, err := k.find(s, name)
	if err != nil {
		return listed, "", 0, err
	}
	return collect(h), marker, maxItems, nil
}

// entityAndPolicyARN reads the entity's name parameter and PolicyArn.
func entityAndPolicyARN(form url.Values, k kind) (string, string, error) {
	v := newValidator(form)
	name, _ := v.str(k.param, true, k.rule)
	arn, _ := v.str("PolicyArn", true, ruleARN)
	if err := v.err(); err != nil {
		return "", "", err
	}
	if _, ok := splitARN(arn); !ok {
		return "", "", invalidARN(arn)
	}
	return name, arn, nil
}

// attachTo attaches a managed policy to the named entity.
func (s *Service) attachTo(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	return s.changeAttached(ctx, form, k, action, func(h *policyHolder, arn string) error {
		return s.attach(h, arn, k.quota, k.maxAttached)
	})
}

// detachFrom detaches a managed policy from the named entity.
func (s *Service) detachFrom(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	return s.changeAttached(ctx, form, k, action, detach)
}

// changeAttached is the opening of attachTo and detachFrom: read the name and
// PolicyArn, authorize action on the entity with iam:PolicyARN, take the write
// lock, find the entity; run then changes its attachments under the lock.
func (s *Service) changeAttached(ctx context.Context, form url.Values, k kind, action string, run func(h *policyHolder, arn string) error) (any, error) {
	name, arn, err := entityAndPolicyARN(form, k)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, action, k.resource(s, name), policy.Context{"iam:PolicyARN": {arn}}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, _, err := k.find(s, name)
	if err != nil {
		return nil, err
	}
	return nil, run(h, arn)
}

type listAttachedResult struct {
	AttachedPolicies members[attachedPolicyXML] `xml:"AttachedPolicies"`
	IsTruncated      bool                       `xml:"IsTruncated"`
	Marker           string                     `xml:"Marker,omitempty"`
}

// listAttached lists the managed policies attached to the named entity, in
// attachment order.
func (s *Service) listAttached(ctx context.Context, form url.Values, k kind, action string) (any, error) {
	prefix, hasPrefix := "", false
	attached, marker, maxItems, err := listHolder(ctx, s, form, k, action,
		func(v *validator) { prefix, hasPrefix = v.str("PathPrefix", false, rulePolicyPath) },
		func(h *policyHolder) []attachedPolicyXML {
			if !hasPrefix {
				prefix = "/"
			}
			return s.attachedUnder(h.Attached, prefix)
		})
	if err != nil {
		return nil, err
	}
	return pageAttached(attached, marker, maxItems)
}

// attachedUnder names the managed policies in arns whose path starts with
// prefix. The caller holds the lock.
func (s *Service) attachedUnder(arns []string, prefix string) []attachedPolicyXML {
	var attached []attachedPolicyXML
	for _, arn := range arns {
		if mp, ok := s.lookupPolicy(arn); ok && strings.HasPrefix(mp.Path, prefix) {
			attached = append(attached, attachedPolicyXML{PolicyName: mp.Name, PolicyArn: arn})
		}
	}
	return attached
}

// pageAttached cuts one page of attached policies. Attachment order is kept;
// the marker is the position in it.
func pageAttached(attached []attachedPolicyXML, marker string, maxItems int) (listAttachedResult, error) {
	type indexed struct {
		i int
		p attachedPolicyXML
	}
	items := make([]indexed, len(attached))
	for i, p := range attached {
		items[i] = indexed{i, p}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return listAttachedResult{}, err
	}
	out := listAttachedResult{IsTruncated: truncated, Marker: next}
	out.AttachedPolicies.Member = make([]attachedPolicyXML, 0, len(got))
	for _, x := range got {
		out.AttachedPolicies.Member = append(out.AttachedPolicies.Member, x.p)
	}
	return out, nil
}
