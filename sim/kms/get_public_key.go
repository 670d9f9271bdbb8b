package kms

import (
	"context"

	"kmslab/sim/api"
)

type getPublicKeyInput struct {
	KeyId       *string
	GrantTokens []string
}

func (in *getPublicKeyInput) keyID() *string { return in.KeyId }

func (in *getPublicKeyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	validateCrypto(&v, in.GrantTokens, "", nil)
	return v.err()
}

// getPublicKey returns an asymmetric key's public key as a DER SubjectPublicKeyInfo
// (RFC 5280), which openssl and every crypto library read.
func (s *Service) getPublicKey(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GetPublicKey", alias: true, state: requireUsable}, func(in *getPublicKeyInput, k *key) (any, error) {
		if !k.asymmetric() {
			return nil, api.BadRequest("UnsupportedOperationException", "%s key usage is %s which is not valid for GetPublicKey.", k.arn, k.usage)
		}
		der, err := k.publicKeyDER()
		if err != nil {
			return nil, err
		}
		out := map[string]any{"KeyId": k.arn, "PublicKey": der, "CustomerMasterKeySpec": k.spec, "KeySpec": k.spec, "KeyUsage": k.usage}
		enc, sign, _ := specs[k.spec].algorithms(k.usage)
		if enc != nil {
			out["EncryptionAlgorithms"] = enc
		}
		if sign != nil {
			out["SigningAlgorithms"] = sign
		}
		return out, nil
	})
}
