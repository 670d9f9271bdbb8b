package iam

import (
	"fmt"
	"net/http"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
)

// parseTrust checks a role's trust policy as IAM does: a resource policy
// (every statement names a principal) with no Resource, at most
// maxTrustPolicyChars besides whitespace, whose principals in this account
// exist. Callers hold mu (principals are looked up).
func (s *Service) parseTrust(text string) (*policy.Document, error) {
	doc, err := policy.ParseResource([]byte(text))
	if err != nil {
		return nil, malformedPolicy(err)
	}
	for _, st := range doc.Statement {
		if st.Resource != nil || st.NotResource != nil {
			return nil, api.BadRequest("MalformedPolicyDocument", "Has prohibited field Resource")
		}
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil {
				continue
			}
			for _, a := range p.AWS {
				if a == "*" || s.principalExistsLocked(a) || !strings.HasPrefix(a, "arn:aws:iam::"+s.env.AccountID+":") {
					continue // other accounts' principals are theirs to check
				}
				return nil, api.BadRequest("MalformedPolicyDocument", "Invalid principal in policy: %s", fmt.Sprintf("%q:%q", "AWS", a))
			}
		}
	}
	if policySize(text) > maxTrustPolicyChars {
		return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicyChars)
	}
	return doc, nil
}
