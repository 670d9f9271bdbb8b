package kms

import "context"

type listKeysInput struct {
	Limit  *int32
	Marker *string
}

func (in *listKeysInput) validate() error {
	var v validation
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

type keyEntry struct {
	KeyId  string
	KeyArn string
}

// listKeys lists every key of the account and region, AWS managed ones
// included, in creation order. IAM alone authorizes it (resource "*").
func (s *Service) listKeys(ctx context.Context, body []byte) (any, error) {
	return listing(ctx, s, body, "kms:ListKeys", func(in *listKeysInput) (any, error) {
		start, end, next, err := page(len(s.order), in.Limit, in.Marker, 100)
		if err != nil {
			return nil, err
		}
		out := make([]keyEntry, 0, end-start)
		for _, id := range s.order[start:end] {
			out = append(out, keyEntry{KeyId: id, KeyArn: s.keyARN(id)})
		}
		return listOut("Keys", out, next), nil
	})
}
