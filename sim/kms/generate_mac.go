package kms

import (
	"context"
)

var macAlgorithms = []string{"HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"}

type macInput struct {
	Message      []byte
	KeyId        *string
	MacAlgorithm *string
	Mac          []byte
	GrantTokens  []string
	DryRun       *bool
}

func (in *macInput) keyID() *string { return in.KeyId }

func (in *macInput) check(v *validation) {
	v.blob("message", in.Message, true, 1, 4096)
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.MacAlgorithm == nil {
		v.add("Value null at 'macAlgorithm' failed to satisfy constraint: Member must not be null")
	}
	v.enum("macAlgorithm", in.MacAlgorithm, macAlgorithms...)
	validateCrypto(v, in.GrantTokens, "", nil)
}

type generateMacInput struct{ macInput }

func (in *generateMacInput) validate() error {
	var v validation
	in.check(&v)
	return v.err()
}

func (s *Service) generateMac(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GenerateMac", alias: true, state: requireUsage("GenerateMac", usageMAC, false)}, func(in *generateMacInput, k *key) (any, error) {
		if err := algorithmFor(k, *in.MacAlgorithm); err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		return map[string]any{"KeyId": k.arn, "Mac": computeMAC(k, *in.MacAlgorithm, in.Message), "MacAlgorithm": *in.MacAlgorithm}, nil
	})
}
