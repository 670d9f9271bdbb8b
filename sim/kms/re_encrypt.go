package kms

import (
	"context"

	"kmslab/sim/api"
)

type reEncryptInput struct {
	CiphertextBlob                 []byte
	SourceEncryptionContext        map[string]string
	SourceKeyId                    *string
	DestinationKeyId               *string
	DestinationEncryptionContext   map[string]string
	SourceEncryptionAlgorithm      *string
	DestinationEncryptionAlgorithm *string
	GrantTokens                    []string
	DryRun                         *bool
}

func (in *reEncryptInput) validate() error {
	var v validation
	v.blob("ciphertextBlob", in.CiphertextBlob, true, 1, 6144)
	v.str("sourceKeyId", in.SourceKeyId, false, 1, 2048)
	v.str("destinationKeyId", in.DestinationKeyId, true, 1, 2048)
	validateCrypto(&v, in.GrantTokens, "sourceEncryptionAlgorithm", in.SourceEncryptionAlgorithm)
	v.enum("destinationEncryptionAlgorithm", in.DestinationEncryptionAlgorithm, algorithms...)
	return v.err()
}

// reEncrypt decrypts under the source key (kms:ReEncryptFrom) and encrypts
// under the destination key (kms:ReEncryptTo) without exposing the plaintext.
func (s *Service) reEncrypt(ctx context.Context, body []byte) (any, error) {
	return locked(s, body, func(in *reEncryptInput) (any, error) {
		dst, err := s.resolve(*in.DestinationKeyId, true)
		if err != nil {
			return nil, err
		}
		req := api.RequestFrom(ctx)
		src, pt, err := s.decryptAs(ctx, req, "kms:ReEncryptFrom", in.CiphertextBlob, in.SourceEncryptionContext, in.SourceKeyId, in.SourceEncryptionAlgorithm, false, in.GrantTokens)
		if err != nil {
			return nil, err
		}
		if err := s.authorizeKey(ctx, req, dst, keyAccess{action: "kms:ReEncryptTo", state: requireUsage("ReEncrypt", usageEncrypt, true), encCtx: in.DestinationEncryptionContext, tokens: in.GrantTokens}); err != nil {
			return nil, err
		}
		if err := algorithmOK(dst, in.DestinationEncryptionAlgorithm); err != nil {
			return nil, err
		}
		if isTrue(in.DryRun) {
			return nil, errDryRun()
		}
		blob, err := s.encryptWith(dst, pt, in.DestinationEncryptionContext)
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"CiphertextBlob":                 blob,
			"SourceKeyId":                    src.arn,
			"KeyId":                          dst.arn,
			"SourceEncryptionAlgorithm":      specSymmetric,
			"DestinationEncryptionAlgorithm": specSymmetric,
		}, nil
	})
}
