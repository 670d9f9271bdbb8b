package kms

import (
	"context"
	"strings"

	"kmslab/sim/api"
)

// checkAliasName applies KMS's rules for names a customer may create or change.
func checkAliasName(name string) error {
	if !strings.HasPrefix(name, "alias/") {
		return api.BadRequest("ValidationException", "Invalid identifier")
	}
	if strings.HasPrefix(name, "alias/aws/") {
		// AWS answers with an empty message: the prefix is reserved for AWS managed keys.
		return api.BadRequest("NotAuthorizedException", "")
	}
	if name == "alias/" {
		return api.BadRequest("ValidationException", "Invalid identifier")
	}
	if strings.Contains(name, ":") {
		return api.BadRequest("ValidationException", "%s contains invalid characters for an alias", name)
	}
	return nil
}

// targetKey resolves an alias target: a key id or ARN, never another alias.
// Callers hold s.mu.
func (s *Service) targetKey(ref string) (*key, error) {
	if strings.HasPrefix(ref, "alias/") || strings.HasPrefix(ref, "arn:") && strings.Contains(ref, ":alias/") {
		return nil, api.BadRequest("ValidationException", "Aliases must refer to keys. Not aliases")
	}
	return s.resolve(ref, false)
}

// aliasAccess authorizes an alias operation as AWS does: on the alias through
// IAM, and on each key involved through its key policy.
func (s *Service) aliasAccess(ctx context.Context, action, name string, keys ...*key) error {
	if err := s.requireIAM(ctx, action, s.aliasARN(name)); err != nil {
		return err
	}
	req := api.RequestFrom(ctx)
	for _, k := range keys {
		if err := s.authorizeKey(ctx, req, k, keyAccess{action: action}); err != nil {
			return err
		}
	}
	return nil
}
