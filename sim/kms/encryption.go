package kms

import (
	"context"
	"fmt"

	"kmslab/sim/api"
)

var (
	algorithms   = []string{"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"}
	dataKeySpecs = []string{"AES_256", "AES_128"}
)

// validateCrypto checks the members every cryptographic operation shares.
func validateCrypto(v *validation, grantTokens []string, algField string, alg *string) {
	if len(grantTokens) > 10 {
		v.add("Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for i := range grantTokens {
		v.str(fmt.Sprintf("grantTokens.%d.member", i+1), &grantTokens[i], true, 1, 8192)
	}
	v.enum(algField, alg, algorithms...)
}

// algorithmOK refuses asymmetric algorithms for our symmetric keys.
func algorithmOK(k *key, alg *string) error {
	if alg != nil && *alg != specSymmetric {
		return api.BadRequest("InvalidKeyUsageException", "The encryption algorithm %s is not valid for %s, a SYMMETRIC_DEFAULT key.", *alg, k.arn)
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// decryptAs finds the key a blob names, checks it against keyRef when given,
// authorizes action (kms:Decrypt or kms:ReEncryptFrom) for req's caller and
// decrypts. Callers hold s.mu.
func (s *Service) decryptAs(ctx context.Context, req *api.Request, action string, blob []byte, encCtx map[string]string, keyRef *string, alg *string, dryRun bool, tokens []string) (*key, []byte, error) {
	k, err := s.blobKey(blob)
	if err != nil {
		return nil, nil, err
	}
	if keyRef != nil {
		named, err := s.resolve(*keyRef, true)
		if err != nil {
			return nil, nil, err
		}
		if named.id != k.id {
			return nil, nil, api.BadRequest("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
		}
	}
	if err := s.authorizeKey(ctx, req, k, keyAccess{action: action, state: requireUsable, encCtx: encCtx, tokens: tokens}); err != nil {
		return nil, nil, err
	}
	if err := algorithmOK(k, alg); err != nil {
		return nil, nil, err
	}
	if dryRun {
		return nil, nil, errDryRun()
	}
	pt, err := open(k.materials(), blob, encCtx)
	if err != nil {
		return nil, nil, errInvalidCiphertext()
	}
	return k, pt, nil
}

// dataKey returns n fresh random bytes with their encryption under k.
func (s *Service) dataKey(k *key, n int, encCtx map[string]string) (plaintext, blob []byte, err error) {
	plaintext = s.env.Bytes(n)
	blob, err = s.encryptWith(k, plaintext, encCtx)
	if err != nil {
		return nil, nil, fmt.Errorf("generate data key under %s: %w", k.arn, err)
	}
	return plaintext, blob, nil
}

// dataKeySize is the byte count KeySpec or NumberOfBytes asks for (exactly one of them).
func dataKeySize(spec *string, n *int32) (int, error) {
	switch {
	case spec == nil && n == nil, spec != nil && n != nil:
		return 0, api.BadRequest("ValidationException", "Please specify either number of bytes or key spec.")
	case n != nil:
		return int(*n), nil
	case *spec == "AES_128":
		return 16, nil
	}
	return 32, nil
}
