package kms

import (
	"context"

	"kmslab/sim/wire"
)

type listRetirableGrantsInput struct {
	RetiringPrincipal *string
	Limit             *int32
	Marker            *string
}

// listRetirableGrants lists the grants of every key in the account that
// RetiringPrincipal may retire. No key is named, so IAM alone authorizes it
// (resource "*").
func (s *Service) listRetirableGrants(ctx context.Context, body []byte) (any, error) {
	var in listRetirableGrantsInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("retiringPrincipal", in.RetiringPrincipal, true, 1, 256)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.requireIAM(ctx, "kms:ListRetirableGrants", "*"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purge()
	var all []grantEntry
	for _, id := range s.order {
		k := s.keys[id]
		for _, g := range k.grants {
			if g.retiring == *in.RetiringPrincipal {
				all = append(all, s.grantEntry(k, g))
			}
		}
	}
	start, end, next, err := page(len(all), in.Limit, in.Marker, 50)
	if err != nil {
		return nil, err
	}
	return listOut("Grants", append([]grantEntry{}, all[start:end]...), next), nil
}
