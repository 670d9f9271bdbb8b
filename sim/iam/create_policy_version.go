package iam

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kmslab/sim/api"
)

type createPolicyVersionResult struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

func (s *Service) createPolicyVersion(ctx context.Context, form url.Values) (any, error) {
	var text string
	var setDefault bool
	arn, err := policyARNParam(form, func(v *validator) {
		text, _ = v.str("PolicyDocument", true, rulePolicyDocument)
		setDefault = v.boolean("SetAsDefault")
	})
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:CreatePolicyVersion", arn, nil); err != nil {
		return nil, err
	}
	doc, err := parseManagedDocument(text)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	mp, err := s.findLocalPolicy(ctx, "iam:CreatePolicyVersion", arn)
	if err != nil {
		return nil, err
	}
	if len(mp.versions) >= maxPolicyVersions {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded",
			"A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
	}
	now := s.env.Now()
	pv := &policyVersion{ID: "v" + strconv.Itoa(mp.next), Text: text, Doc: doc, Created: now}
	mp.next++
	mp.versions = append(mp.versions, pv)
	if setDefault {
		mp.DefaultVersionID = pv.ID
		mp.Updated = now
	}
	return createPolicyVersionResult{PolicyVersion: versionXML(mp, pv, false)}, nil
}
