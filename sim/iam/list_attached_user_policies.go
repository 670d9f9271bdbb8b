package iam

import (
	"context"
	"net/url"
)

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

func (s *Service) listAttachedUserPolicies(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleUserName)
	prefix := v.pathPrefix(rulePolicyPath)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListAttachedUserPolicies", s.userResource(name), nil); err != nil {
		return nil, err
	}

	s.mu.RLock()
	u, err := s.lookupUser(name)
	var attached []attachedPolicyXML
	if err == nil {
		attached = s.attachedUnder(u.Attached, prefix)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return pageAttached(attached, marker, maxItems)
}
