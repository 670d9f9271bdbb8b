package iam

import (
	"context"
	"net/url"
)

type getRolePolicyResult struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"` // URL-encoded, as IAM sends it
}

func (s *Service) getRolePolicy(ctx context.Context, form url.Values) (any, error) {
	name, p, err := s.getInline(ctx, form, roleKind, "iam:GetRolePolicy")
	if err != nil {
		return nil, err
	}
	return getRolePolicyResult{RoleName: name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Text)}, nil
}
