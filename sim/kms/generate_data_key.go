package kms

import (
	"context"

	"kmslab/policy"
)

type generateDataKeyInput struct {
	KeyId             *string
	EncryptionContext map[string]string
	NumberOfBytes     *int32
	KeySpec           *string
	GrantTokens       []string
	DryRun            *bool
}

func (in *generateDataKeyInput) keyID() *string { return in.KeyId }

// validate serves GenerateDataKey and GenerateDataKeyWithoutPlaintext, which share their input.
func (in *generateDataKeyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.intRange("numberOfBytes", in.NumberOfBytes, 1, 1024)
	v.enum("keySpec", in.KeySpec, dataKeySpecs...)
	validateCrypto(&v, in.GrantTokens, "", nil)
	if err := v.err(); err != nil {
		return err
	}
	_, err := dataKeySize(in.KeySpec, in.NumberOfBytes)
	return err
}

func (in *generateDataKeyInput) conditions() (map[string]string, policy.Context) {
	return in.EncryptionContext, nil
}

// generate makes the data key the input asks for under k, unless DryRun.
func (in *generateDataKeyInput) generate(s *Service, k *key) (plaintext, blob []byte, err error) {
	if isTrue(in.DryRun) {
		return nil, nil, errDryRun()
	}
	n, _ := dataKeySize(in.KeySpec, in.NumberOfBytes) // validated
	return s.dataKey(k, n, in.EncryptionContext)
}

func (s *Service) generateDataKey(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GenerateDataKey", alias: true, state: requireUsage("GenerateDataKey", usageEncrypt, true)}, func(in *generateDataKeyInput, k *key) (any, error) {
		pt, blob, err := in.generate(s, k)
		if err != nil {
			return nil, err
		}
		return map[string]any{"CiphertextBlob": blob, "Plaintext": pt, "KeyId": k.arn}, nil
	})
}
