package sim

import (
	"net/http"

	"kmslab/sim/api"
	"kmslab/sim/iam"
	"kmslab/sim/sigv4"
)

// SessionVerifier is a CredentialStore that also issues session credentials
// (STS AssumeRole) and checks the token each request signed with them carries.
type SessionVerifier interface {
	VerifySession(accessKeyID, token string) (ok, expired bool)
}

// The router checks session tokens through this assertion; without it every
// session would be refused as an unknown token.
var _ SessionVerifier = (*iam.Service)(nil)

// sessionProblem says why the session token of an otherwise valid request does
// not authenticate it, or nil. A long-term key must come without a token; a
// session key with exactly the token issued with it, before it expires.
func (rt *router) sessionProblem(svc *service, p sigv4.Params) error {
	sv, ok := rt.creds.(SessionVerifier)
	if !ok {
		if p.SecurityToken == "" {
			return nil
		}
		return &sigv4.Error{Kind: sigv4.UnknownKey, Message: msgInvalidToken}
	}
	valid, expired := sv.VerifySession(p.AccessKeyID, p.SecurityToken)
	switch {
	case !valid:
		return &sigv4.Error{Kind: sigv4.UnknownKey, Message: msgInvalidToken}
	case expired && svc.proto.json():
		return api.BadRequest("ExpiredTokenException", "The security token included in the request is expired")
	case expired:
		return api.Errorf(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	return nil
}

// msgInvalidToken is AWS's answer to a token it never issued, or none where one is needed.
const msgInvalidToken = "The security token included in the request is invalid."
