package kms

import "context"

func (s *Service) generateDataKeyWithoutPlaintext(ctx context.Context, body []byte) (any, error) {
	in, n, err := decodeDataKey(body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(*in.KeyId, true)
	if err != nil {
		return nil, err
	}
	_, blob, err := s.dataKeyAs(ctx, direct(ctx), "kms:GenerateDataKeyWithoutPlaintext", k, n, in.EncryptionContext, isTrue(in.DryRun))
	if err != nil {
		return nil, err
	}
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn}, nil
}
