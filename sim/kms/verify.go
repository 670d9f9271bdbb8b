package kms

import (
	"context"

	"kmslab/sim/api"
)

type verifyInput struct {
	signingInput
	Signature []byte
}

func (in *verifyInput) validate() error {
	var v validation
	in.check(&v)
	v.blob("signature", in.Signature, true, 1, 6144)
	return v.err()
}

// verify answers SignatureValid true, or KMSInvalidSignatureException: KMS never
// answers false (API_Verify.html).
func (s *Service) verify(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:Verify", alias: true, state: requireUsage("Verify", usageSign, false)}, func(in *verifyInput, k *key) (any, error) {
		d, err := in.digest(k)
		if err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		signer, err := k.signer()
		if err != nil {
			return nil, err
		}
		ok := verifySignature(signer.Public(), *in.SigningAlgorithm, d, in.Signature)
		if !ok {
			return nil, api.BadRequest("KMSInvalidSignatureException", "")
		}
		return map[string]any{"KeyId": k.arn, "SignatureValid": true, "SigningAlgorithm": *in.SigningAlgorithm}, nil
	})
}
