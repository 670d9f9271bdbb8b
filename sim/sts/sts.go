// Package sts is the offline STS: GetCallerIdentity, which AWS answers for any
// authenticated caller without a permission check, and AssumeRole, which IAM
// decides (it owns roles and the sessions it issues).
package sts

import (
	"context"
	"net/url"

	"kmslab/sim/api"
)

// Roles issues role sessions: the offline IAM.
type Roles interface {
	AssumeRole(ctx context.Context, form url.Values) (any, error)
}

// Service is the offline STS.
type Service struct {
	env   *api.Env
	roles Roles
}

// New returns the STS service.
func New(env *api.Env, roles Roles) *Service { return &Service{env: env, roles: roles} }

// Handlers maps Action names to handlers.
func (s *Service) Handlers() map[string]api.QueryHandler {
	return map[string]api.QueryHandler{
		"GetCallerIdentity": s.getCallerIdentity,
		"AssumeRole":        s.assumeRole,
	}
}

type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

func (s *Service) getCallerIdentity(ctx context.Context, _ url.Values) (any, error) {
	p := api.CallerFrom(ctx)
	if p == nil {
		return nil, api.Errorf(403, "AccessDenied", "no caller")
	}
	if r := api.RequestFrom(ctx); r != nil {
		r.Decision = "Allow"
	}
	return callerIdentity{Arn: p.ARN, UserID: p.UserID, Account: p.AccountID}, nil
}
