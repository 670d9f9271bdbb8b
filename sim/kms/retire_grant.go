package kms

import (
	"context"
	"slices"

	"kmslab/sim/api"
)

type retireGrantInput struct {
	GrantToken *string
	KeyId      *string
	GrantId    *string
	DryRun     *bool
}

func (in *retireGrantInput) validate() error {
	var v validation
	v.str("grantToken", in.GrantToken, false, 1, 8192)
	v.str("keyId", in.KeyId, false, 1, 2048)
	v.str("grantId", in.GrantId, false, 1, 128)
	return v.err()
}

// retireGrant removes a grant at the request of its retiring principal, its
// grantee when the grant includes RetireGrant, or a principal the key policy
// lets retire grants.
func (s *Service) retireGrant(ctx context.Context, body []byte) (any, error) {
	return locked(s, body, func(in *retireGrantInput) (any, error) {
		s.purge()
		var k *key
		idx := -1
		switch {
		case in.GrantToken != nil:
			var err error
			if k, idx, err = s.grantByToken(*in.GrantToken); err != nil {
				return nil, err
			}
		case in.KeyId != nil && in.GrantId != nil:
			var err error
			if k, err = s.resolve(*in.KeyId, false); err != nil {
				return nil, err
			}
			if _, idx, err = findGrant(k, *in.GrantId); err != nil {
				return nil, err
			}
		default:
			return nil, api.BadRequest("ValidationException", "Grant token OR (grant ID, key ID) must be specified")
		}
		g := k.grants[idx]
		req := api.RequestFrom(ctx)
		caller := ""
		if p := api.CallerFrom(ctx); p != nil {
			caller = p.ARN
		}
		if caller == "" || caller != g.retiring && (caller != g.grantee || !slices.Contains(g.ops, "RetireGrant")) {
			if err := s.authorizeKey(ctx, req, k, keyAccess{action: "kms:RetireGrant"}); err != nil {
				return nil, err
			}
		} else if req != nil {
			// The grant itself lets this caller retire it.
			req.Touch(k.arn)
			req.Decision = "Allow"
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		s.removeGrant(k, idx)
		return struct{}{}, nil
	})
}
