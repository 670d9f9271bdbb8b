package kms

import (
	"context"

	"kmslab/sim/api"
)

type putKeyPolicyInput struct {
	KeyId                          *string
	PolicyName                     *string
	Policy                         *string
	BypassPolicyLockoutSafetyCheck bool
}

func (in *putKeyPolicyInput) keyID() *string { return in.KeyId }

func (in *putKeyPolicyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("policyName", in.PolicyName, false, 1, 128)
	v.pattern("policyName", in.PolicyName, wordChar, `[\w]+`)
	v.str("policy", in.Policy, true, 1, 131072)
	v.pattern("policy", in.Policy, policyChar, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	return v.err()
}

// putKeyPolicy replaces the key policy after KMS's checks (valid document,
// existing principals, the lockout safety check). The new policy is returned
// by GetKeyPolicy at once but authorizes only after Options.PolicyDelay.
func (s *Service) putKeyPolicy(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:PutKeyPolicy", state: requireNotPending}, func(in *putKeyPolicyInput, k *key) (any, error) {
		if err := policyNameOK(in.PolicyName); err != nil {
			return nil, err
		}
		doc, err := s.checkPolicy(ctx, api.CallerFrom(ctx), k.arn, *in.Policy, in.BypassPolicyLockoutSafetyCheck)
		if err != nil {
			return nil, err
		}
		s.setPolicy(k, *in.Policy, doc)
		return struct{}{}, nil
	})
}
