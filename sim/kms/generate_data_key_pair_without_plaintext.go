package kms

import "context"

func (s *Service) generateDataKeyPairWithoutPlaintext(ctx context.Context, body []byte) (any, error) {
	out, err := s.dataKeyPair(ctx, body, "kms:GenerateDataKeyPairWithoutPlaintext")
	if err != nil {
		return nil, err
	}
	delete(out, "PrivateKeyPlaintext")
	return out, nil
}
