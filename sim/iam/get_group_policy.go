package iam

import (
	"context"
	"net/url"
)

type getGroupPolicyResult struct {
	GroupName      string `xml:"GroupName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"` // URL-encoded, as IAM sends it
}

func (s *Service) getGroupPolicy(ctx context.Context, form url.Values) (any, error) {
	name, p, err := s.getInline(ctx, form, groupKind, "iam:GetGroupPolicy")
	if err != nil {
		return nil, err
	}
	return getGroupPolicyResult{GroupName: name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Text)}, nil
}
