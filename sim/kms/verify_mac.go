package kms

import (
	"context"
	"crypto/hmac"

	"kmslab/sim/api"
)

type verifyMacInput struct{ macInput }

func (in *verifyMacInput) validate() error {
	var v validation
	in.check(&v)
	v.blob("mac", in.Mac, true, 1, 6144)
	return v.err()
}

// verifyMac answers MacValid true, or KMSInvalidMacException: KMS never answers
// false (API_VerifyMac.html).
func (s *Service) verifyMac(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:VerifyMac", alias: true, state: requireUsage("VerifyMac", usageMAC, false)}, func(in *verifyMacInput, k *key) (any, error) {
		if err := algorithmFor(k, *in.MacAlgorithm); err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		if !hmac.Equal(computeMAC(k, *in.MacAlgorithm, in.Message), in.Mac) {
			return nil, api.BadRequest("KMSInvalidMacException", "")
		}
		return map[string]any{"KeyId": k.arn, "MacValid": true, "MacAlgorithm": *in.MacAlgorithm}, nil
	})
}
