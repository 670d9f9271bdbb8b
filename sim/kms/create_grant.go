package kms

import (
	"context"
	"fmt"

	"kmslab/policy"
	"kmslab/sim/api"
)

type createGrantInput struct {
	KeyId             *string
	GranteePrincipal  *string
	RetiringPrincipal *string
	Operations        []string
	Constraints       *grantConstraints
	GrantTokens       []string
	Name              *string
	DryRun            *bool
}

func (in *createGrantInput) keyID() *string { return in.KeyId }

func (in *createGrantInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("granteePrincipal", in.GranteePrincipal, true, 1, 256)
	v.pattern("granteePrincipal", in.GranteePrincipal, principalChar, `^[\w+=,.@:/-]+$`)
	v.str("retiringPrincipal", in.RetiringPrincipal, false, 1, 256)
	v.pattern("retiringPrincipal", in.RetiringPrincipal, principalChar, `^[\w+=,.@:/-]+$`)
	v.str("name", in.Name, false, 1, 256)
	v.pattern("name", in.Name, aliasChar, "^[a-zA-Z0-9:/_-]+$")
	if in.Operations == nil {
		v.add("Value null at 'operations' failed to satisfy constraint: Member must not be null")
	}
	for i := range in.Operations {
		v.enum(fmt.Sprintf("operations.%d.member", i+1), &in.Operations[i], grantOperations...)
	}
	validateCrypto(&v, in.GrantTokens, "", nil)
	return v.err()
}

func (in *createGrantInput) request() grantRequest {
	return grantRequest{
		grantee:     *in.GranteePrincipal,
		retiring:    deref(in.RetiringPrincipal),
		name:        deref(in.Name),
		ops:         in.Operations,
		constraints: in.Constraints,
		dryRun:      isTrue(in.DryRun),
	}
}

func (in *createGrantInput) conditions() (map[string]string, policy.Context) {
	return nil, in.request().conditions()
}

func (s *Service) createGrant(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:CreateGrant", state: requireUsable}, func(in *createGrantInput, k *key) (any, error) {
		id, token, err := s.addGrant(api.CallerFrom(ctx), k, in.request())
		if err != nil {
			return nil, err
		}
		return map[string]any{"GrantId": id, "GrantToken": token}, nil
	})
}
