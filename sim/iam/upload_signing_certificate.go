package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

type uploadSigningCertificateResult struct {
	Certificate signingCertXML `xml:"Certificate"`
}

// uploadSigningCertificate keeps an X.509 certificate for the named user (or the caller),
// Active, with a new certificate id.
func (s *Service) uploadSigningCertificate(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	body, _ := v.str("CertificateBody", true, ruleCertificateBody)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:UploadSigningCertificate", name, nil, func(u *user) (any, error) {
		if err := parseSigningCert(body, s.env.Now()); err != nil {
			return nil, err
		}
		for _, other := range s.users {
			for _, c := range other.Certs {
				if c.Body == body {
					return nil, api.Errorf(http.StatusConflict, "DuplicateCertificate", "The Certificate with id %s already exists.", c.ID)
				}
			}
		}
		if len(u.Certs) >= maxSigningCertsPerUser {
			return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: %d", maxSigningCertsPerUser)
		}
		c := &signingCert{ID: s.env.ID("", 32), Body: body, Status: accessKeyStatusActive, Uploaded: s.env.Now()}
		u.Certs = append(u.Certs, c)
		return uploadSigningCertificateResult{Certificate: c.xml(u.Name)}, nil
	})
}
