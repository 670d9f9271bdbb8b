package kms

import (
	"context"
	"strings"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

type aliasInput struct {
	AliasName   *string
	TargetKeyId *string
}

func (in *aliasInput) validate(target bool) error {
	var v validation
	v.str("aliasName", in.AliasName, true, 1, 256)
	v.pattern("aliasName", in.AliasName, aliasChar, "^[a-zA-Z0-9:/_-]+$")
	if target {
		v.str("targetKeyId", in.TargetKeyId, true, 1, 2048)
	}
	return v.err()
}

// aliasOp is the one opening of CreateAlias, UpdateAlias and DeleteAlias:
// decode, validate, check the name, lock and, when the operation names a
// target key, resolve it. run authorizes (aliasAccess) and acts under the lock.
func (s *Service) aliasOp(body []byte, target bool, run func(name string, target *key) error) (any, error) {
	var in aliasInput
	if err := wire.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if err := in.validate(target); err != nil {
		return nil, err
	}
	name := *in.AliasName
	if err := checkAliasName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var k *key
	if target {
		var err error
		if k, err = s.targetKey(*in.TargetKeyId); err != nil {
			return nil, err
		}
	} else {
		s.purge()
	}
	if err := run(name, k); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// aliasNamed is the alias called name. Callers hold s.mu.
func (s *Service) aliasNamed(name string) (*alias, error) {
	a, ok := s.aliases[name]
	if !ok {
		return nil, errNotFound("Alias %s is not found.", s.aliasARN(name))
	}
	return a, nil
}

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
