package iam

import (
	"context"
	"net/url"
)

// updateSigningCertificate makes a certificate Active or Inactive.
func (s *Service) updateSigningCertificate(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	id, _ := v.str("CertificateId", true, ruleCertificateID)
	status, _ := v.str("Status", true, ruleAccessKeyStatus)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:UpdateSigningCertificate", name, nil, func(u *user) (any, error) {
		c, err := signingCertOf(u, id)
		if err != nil {
			return nil, err
		}
		c.Status = status
		return nil, nil
	})
}
