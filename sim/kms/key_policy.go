package kms

import (
	"context"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

type keyPolicyInput struct {
	KeyId                          *string
	PolicyName                     *string
	Policy                         *string
	BypassPolicyLockoutSafetyCheck bool
	Limit                          *int32
	Marker                         *string
}

// policyNameOK enforces that "default" is a key's only policy name.
func policyNameOK(name *string) error {
	if name != nil && *name != defaultPolicyName {
		return errNotFound("No such policy exists")
	}
	return nil
}

func (s *Service) getKeyPolicy(ctx context.Context, body []byte) (any, error) {
	var in keyPolicyInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("policyName", in.PolicyName, false, 1, 128)
	v.pattern("policyName", in.PolicyName, wordChar, `[\w]+`)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:GetKeyPolicy", key: k}); err != nil {
		return nil, err
	}
	if err := policyNameOK(in.PolicyName); err != nil {
		return nil, err
	}
	return map[string]any{"Policy": k.policyText, "PolicyName": defaultPolicyName}, nil
}

// putKeyPolicy replaces the key policy after KMS's checks (valid document,
// existing principals, the lockout safety check). The new policy is returned
// by GetKeyPolicy at once but authorizes only after Options.PolicyDelay.
func (s *Service) putKeyPolicy(ctx context.Context, body []byte) (any, error) {
	var in keyPolicyInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("policyName", in.PolicyName, false, 1, 128)
	v.pattern("policyName", in.PolicyName, wordChar, `[\w]+`)
	v.str("policy", in.Policy, true, 1, 131072)
	v.pattern("policy", in.Policy, policyChar, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.changeableKey(ctx, *in.KeyId, "kms:PutKeyPolicy")
	if err != nil {
		return nil, err
	}
	if err := policyNameOK(in.PolicyName); err != nil {
		return nil, err
	}
	doc, err := s.checkPolicy(ctx, api.CallerFrom(ctx), k.arn, *in.Policy, in.BypassPolicyLockoutSafetyCheck)
	if err != nil {
		return nil, err
	}
	s.setPolicy(k, *in.Policy, doc)
	return struct{}{}, nil
}

func (s *Service) listKeyPolicies(ctx context.Context, body []byte) (any, error) {
	var in keyPolicyInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, false)
	if err != nil {
		return nil, err
	}
	if err := s.allow(ctx, direct(ctx), check{action: "kms:ListKeyPolicies", key: k}); err != nil {
		return nil, err
	}
	start, end, next, err := page(1, in.Limit, in.Marker, 100)
	if err != nil {
		return nil, err
	}
	return listOut("PolicyNames", []string{defaultPolicyName}[start:end], next), nil
}
