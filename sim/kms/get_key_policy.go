package kms

import "context"

type getKeyPolicyInput struct {
	KeyId      *string
	PolicyName *string
}

func (in *getKeyPolicyInput) keyID() *string { return in.KeyId }

func (in *getKeyPolicyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("policyName", in.PolicyName, false, 1, 128)
	v.pattern("policyName", in.PolicyName, wordChar, `[\w]+`)
	return v.err()
}

func (s *Service) getKeyPolicy(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GetKeyPolicy"}, func(in *getKeyPolicyInput, k *key) (any, error) {
		if err := policyNameOK(in.PolicyName); err != nil {
			return nil, err
		}
		return map[string]any{"Policy": k.policyText, "PolicyName": defaultPolicyName}, nil
	})
}
