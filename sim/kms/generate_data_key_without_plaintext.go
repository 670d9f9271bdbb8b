package kms

import "context"

func (s *Service) generateDataKeyWithoutPlaintext(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:GenerateDataKeyWithoutPlaintext", alias: true, state: requireUsage("GenerateDataKeyWithoutPlaintext", usageEncrypt, true)}, func(in *generateDataKeyInput, k *key) (any, error) {
		_, blob, err := in.generate(s, k)
		if err != nil {
			return nil, err
		}
		return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn}, nil
	})
}
