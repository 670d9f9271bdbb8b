package kms

import (
	"context"
	"fmt"

	"kmslab/policy"
	"kmslab/sim/api"
)

var dataKeyPairSpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
	"ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519"}

type generateDataKeyPairInput struct {
	KeyId             *string
	KeyPairSpec       *string
	EncryptionContext map[string]string
	GrantTokens       []string
	Recipient         *struct{}
	DryRun            *bool
}

func (in *generateDataKeyPairInput) keyID() *string { return in.KeyId }

// validate serves GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext.
func (in *generateDataKeyPairInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	if in.KeyPairSpec == nil {
		v.add("Value null at 'keyPairSpec' failed to satisfy constraint: Member must not be null")
	}
	v.enum("keyPairSpec", in.KeyPairSpec, dataKeyPairSpecs...)
	validateCrypto(&v, in.GrantTokens, "", nil)
	if err := v.err(); err != nil {
		return err
	}
	if si := specs[*in.KeyPairSpec]; si.offline != "" {
		return api.BadRequest("UnsupportedOperationException", "KeyPairSpec %s is not supported by this offline KMS: %s.", *in.KeyPairSpec, si.offline)
	}
	if in.Recipient != nil {
		return api.BadRequest("UnsupportedOperationException", "Recipient (a Nitro Enclave attestation) is not supported by this offline KMS.")
	}
	return nil
}

func (in *generateDataKeyPairInput) conditions() (map[string]string, policy.Context) {
	return in.EncryptionContext, nil
}

// dataKeyPair is a key pair wrapped under a symmetric key: the PKCS #8 private key in
// the clear and encrypted, and the DER SubjectPublicKeyInfo public key.
func (s *Service) dataKeyPair(ctx context.Context, body []byte, action string) (map[string]any, error) {
	var (
		in *generateDataKeyPairInput
		k  *key
	)
	op := action[len("kms:"):]
	_, err := keyOp(ctx, s, body, keyAccess{action: action, alias: true, state: requireUsage(op, usageEncrypt, true)}, func(i *generateDataKeyPairInput, kk *key) (any, error) {
		if isTrue(i.DryRun) {
			return nil, errDryRun()
		}
		in, k = i, kk
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	// The pair is made and sealed outside the service's lock (an RSA_4096 pair takes a
	// while); k's material never changes once made.
	priv, err := specs[*in.KeyPairSpec].generate()
	if err != nil {
		return nil, fmt.Errorf("generate %s data key pair: %w", *in.KeyPairSpec, err)
	}
	pk := &key{id: "pair", spec: *in.KeyPairSpec, usage: usageSign, material: priv}
	pub, err := pk.publicKeyDER()
	if err != nil {
		return nil, err
	}
	blob, err := s.encryptWith(k, priv, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return map[string]any{"PrivateKeyCiphertextBlob": blob, "PrivateKeyPlaintext": priv, "PublicKey": pub,
		"KeyId": k.arn, "KeyPairSpec": *in.KeyPairSpec}, nil
}

func (s *Service) generateDataKeyPair(ctx context.Context, body []byte) (any, error) {
	return s.dataKeyPair(ctx, body, "kms:GenerateDataKeyPair")
}
