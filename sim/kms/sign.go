package kms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"kmslab/sim/api"
)

var (
	signingAlgorithms = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
		"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
		"ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"}
	messageTypes = []string{"RAW", "DIGEST", "EXTERNAL_MU"}
)

// signingInput is what Sign and Verify share.
type signingInput struct {
	KeyId            *string
	Message          []byte
	MessageType      *string
	GrantTokens      []string
	SigningAlgorithm *string
	DryRun           *bool
}

func (in *signingInput) keyID() *string { return in.KeyId }

func (in *signingInput) check(v *validation) {
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.blob("message", in.Message, true, 1, 4096)
	v.enum("messageType", in.MessageType, messageTypes...)
	if in.SigningAlgorithm == nil {
		v.add("Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null")
	}
	v.enum("signingAlgorithm", in.SigningAlgorithm, signingAlgorithms...)
	validateCrypto(v, in.GrantTokens, "", nil)
}

// digest checks the algorithm against k and returns what is signed.
func (in *signingInput) digest(k *key) ([]byte, error) {
	alg := *in.SigningAlgorithm
	if err := algorithmFor(k, alg); err != nil {
		return nil, err
	}
	mt := messageRaw
	if in.MessageType != nil {
		mt = *in.MessageType
	}
	d, err := signingDigest(alg, mt, in.Message)
	switch {
	case mt != messageRaw && mt != messageHash, errors.Is(err, errMessageType):
		return nil, api.BadRequest("ValidationException", "Message type %s is incompatible with algorithm %s.", mt, alg)
	case err != nil:
		return nil, api.BadRequest("ValidationException", "Digest is invalid length for algorithm %s.", alg)
	}
	return d, nil
}

type signInput struct{ signingInput }

func (in *signInput) validate() error {
	var v validation
	in.check(&v)
	return v.err()
}

func (s *Service) sign(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:Sign", alias: true, state: requireUsage("Sign", usageSign, false)}, func(in *signInput, k *key) (any, error) {
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
		sig, err := signer.Sign(rand.Reader, d, signerOpts(*in.SigningAlgorithm))
		if err != nil {
			return nil, fmt.Errorf("sign with %s: %w", k.arn, err)
		}
		return map[string]any{"KeyId": k.arn, "Signature": sig, "SigningAlgorithm": *in.SigningAlgorithm}, nil
	})
}
