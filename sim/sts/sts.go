// Package sts serves the one STS operation the lab needs: GetCallerIdentity,
// which AWS answers for any authenticated caller without a permission check.
package sts

import (
	"context"
	"net/url"

	"kmslab/sim/api"
)

// Service is the offline STS.
type Service struct{ env *api.Env }

// New returns the STS service.
func New(env *api.Env) *Service { return &Service{env: env} }

// Handlers maps Action names to handlers.
func (s *Service) Handlers() map[string]api.QueryHandler {
	return map[string]api.QueryHandler{"GetCallerIdentity": s.getCallerIdentity}
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
