package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

// policyNameOK enforces that "default" is a key's only policy name.
func policyNameOK(name *string) error {
	if name != nil && *name != defaultPolicyName {
		return errNotFound("No such policy exists")
	}
	return nil
}

// Messages KMS gives for key policies it refuses.
const (
	msgLockout           = "The new key policy will not allow you to update the key policy in the future."
	msgInvalidPrincipals = "Policy contains a statement with one or more invalid principals."
)

// maxKeyPolicyBytes is KMS's quota on a key policy document.
const maxKeyPolicyBytes = 32768

// checkPolicy parses a key policy supplied by caller for the key keyARN and
// applies KMS's checks: the document must be a valid resource policy, name only
// principals that exist and, unless bypass, still let the caller change the
// policy later (the lockout safety check).
func (s *Service) checkPolicy(ctx context.Context, caller *api.Principal, keyARN, text string, bypass bool) (*policy.Document, error) {
	// The API takes up to 131,072 characters, but a key policy is held to
	// KMS's quota of 32 KB (32,768 bytes): "If the key policy exceeds the
	// length constraint, KMS returns a LimitExceededException" (KMS API
	// reference, PutKeyPolicy and CreateKey; Developer Guide, "Quotas").
	if len(text) > maxKeyPolicyBytes {
		return nil, api.BadRequest("LimitExceededException", "The key policy is %d bytes long, above the quota of %d bytes for a key policy.", len(text), maxKeyPolicyBytes)
	}
	doc, err := policy.ParseResource([]byte(text))
	if err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			return nil, errMalformedPolicy(pe.Message)
		}
		return nil, errMalformedPolicy(err.Error())
	}
	for _, st := range doc.Statement {
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil || p.Wildcard {
				continue
			}
			for _, a := range p.AWS {
				if !s.principalValid(a) {
					return nil, errMalformedPolicy(msgInvalidPrincipals)
				}
			}
		}
	}
	if bypass {
		return doc, nil
	}
	err = s.az.Authorize(ctx, caller, authz.Check{
		Action:         "kms:PutKeyPolicy",
		Resource:       keyARN,
		ResourcePolicy: doc,
		KMS:            true,
	})
	var d *authz.Denied
	if errors.As(err, &d) {
		return nil, errMalformedPolicy(msgLockout)
	}
	if err != nil {
		return nil, fmt.Errorf("lockout safety check: %w", err)
	}
	return doc, nil
}

// principalValid accepts "*", account ids and account roots (KMS cannot check
// other accounts' existence offline, and roots always exist), and asks IAM
// about everything else.
func (s *Service) principalValid(a string) bool {
	if a == "*" || isAccount(a) {
		return true
	}
	if strings.HasPrefix(a, "arn:aws:iam::") && strings.HasSuffix(a, ":root") && isAccount(strings.TrimSuffix(strings.TrimPrefix(a, "arn:aws:iam::"), ":root")) {
		return true
	}
	return s.principals != nil && s.principals.PrincipalExists(a)
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
