package kms

import "context"

type listRetirableGrantsInput struct {
	RetiringPrincipal *string
	Limit             *int32
	Marker            *string
}

func (in *listRetirableGrantsInput) validate() error {
	var v validation
	v.str("retiringPrincipal", in.RetiringPrincipal, true, 1, 256)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

// listRetirableGrants lists the grants of every key in the account that
// RetiringPrincipal may retire. No key is named, so IAM alone authorizes it
// (resource "*").
func (s *Service) listRetirableGrants(ctx context.Context, body []byte) (any, error) {
	return listing(ctx, s, body, "kms:ListRetirableGrants", func(in *listRetirableGrantsInput) (any, error) {
		var all []grantEntry
		for _, id := range s.order {
			k := s.keys[id]
			for _, g := range s.listedGrants(k) {
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
	})
}
