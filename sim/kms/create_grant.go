package kms

import (
	"context"
	"fmt"

	"kmslab/sim/wire"
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

func (s *Service) createGrant(ctx context.Context, body []byte) (any, error) {
	var in createGrantInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
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
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	id, token, err := s.createGrantAs(ctx, direct(ctx), k, grantRequest{
		grantee:     *in.GranteePrincipal,
		retiring:    deref(in.RetiringPrincipal),
		name:        deref(in.Name),
		ops:         in.Operations,
		constraints: in.Constraints,
		dryRun:      isTrue(in.DryRun),
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"GrantId": id, "GrantToken": token}, nil
}
