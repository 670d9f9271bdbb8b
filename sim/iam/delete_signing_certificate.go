package iam

import (
	"context"
	"net/url"
	"slices"
)

func (s *Service) deleteSigningCertificate(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	id, _ := v.str("CertificateId", true, ruleCertificateID)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:DeleteSigningCertificate", name, nil, func(u *user) (any, error) {
		c, err := signingCertOf(u, id)
		if err != nil {
			return nil, err
		}
		u.Certs = slices.DeleteFunc(u.Certs, func(x *signingCert) bool { return x == c })
		return nil, nil
	})
}
