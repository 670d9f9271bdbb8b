package iam

import (
	"context"
	"net/url"

	"kmslab/sim/api"
)

type getUserResult struct {
	User userXML `xml:"User"`
}

// getUser describes the named user, or the caller when no name is given.
func (s *Service) getUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, named := v.str("UserName", false, ruleExistingUser)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !named {
		p := api.CallerFrom(ctx)
		if p == nil {
			return nil, api.Errorf(403, "AccessDenied", "no caller")
		}
		if p.IsRoot {
			return s.getRoot(ctx, p)
		}
		if p.UserName == "" {
			return nil, api.BadRequest("ValidationError", "Must specify userName when calling with non-User credentials")
		}
		name = p.UserName
	}
	return s.readUser(ctx, "iam:GetUser", name, func(u *user) (any, error) {
		return getUserResult{User: u.xml(true)}, nil
	})
}

// getRoot answers GetUser for the account root, which AWS describes by its
// account id and root ARN, without a user name.
func (s *Service) getRoot(ctx context.Context, p *api.Principal) (any, error) {
	if err := s.require(ctx, "iam:GetUser", p.ARN, nil); err != nil {
		return nil, err
	}
	return getUserResult{User: userXML{UserID: s.env.AccountID, Arn: s.rootARN(), CreateDate: timestamp(s.env.Now())}}, nil
}
