package kms

import "context"

type listKeyPoliciesInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

func (in *listKeyPoliciesInput) keyID() *string { return in.KeyId }

func (in *listKeyPoliciesInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

func (s *Service) listKeyPolicies(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:ListKeyPolicies"}, func(in *listKeyPoliciesInput, _ *key) (any, error) {
		start, end, next, err := page(1, in.Limit, in.Marker, 100)
		if err != nil {
			return nil, err
		}
		return listOut("PolicyNames", []string{defaultPolicyName}[start:end], next), nil
	})
}
