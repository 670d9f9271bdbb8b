package kms

import "context"

type listGrantsInput struct {
	KeyId            *string
	Limit            *int32
	Marker           *string
	GrantId          *string
	GranteePrincipal *string
}

func (in *listGrantsInput) keyID() *string { return in.KeyId }

func (in *listGrantsInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	v.str("grantId", in.GrantId, false, 1, 128)
	v.str("granteePrincipal", in.GranteePrincipal, false, 1, 256)
	return v.err()
}

func (s *Service) listGrants(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:ListGrants"}, func(in *listGrantsInput, k *key) (any, error) {
		var all []grantEntry
		for _, g := range s.listedGrants(k) {
			if in.GrantId != nil && g.id != *in.GrantId || in.GranteePrincipal != nil && g.grantee != *in.GranteePrincipal {
				continue
			}
			all = append(all, s.grantEntry(k, g))
		}
		start, end, next, err := page(len(all), in.Limit, in.Marker, 50)
		if err != nil {
			return nil, err
		}
		return listOut("Grants", append([]grantEntry{}, all[start:end]...), next), nil
	})
}
