package iam

import (
	"context"
	"net/url"
)

type listSigningCertificatesResult struct {
	Certificates members[signingCertXML] `xml:"Certificates"`
	IsTruncated  bool                    `xml:"IsTruncated"`
	Marker       string                  `xml:"Marker,omitempty"`
}

func (s *Service) listSigningCertificates(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	var certs []signingCertXML
	if _, err := s.readUser(ctx, "iam:ListSigningCertificates", name, func(u *user) (any, error) {
		for _, c := range u.Certs {
			certs = append(certs, c.xml(u.Name))
		}
		return nil, nil
	}); err != nil {
		return nil, err
	}
	got, truncated, next, err := page(certs, func(c signingCertXML) string { return c.UploadDate + c.CertificateID }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listSigningCertificatesResult{Certificates: list(append([]signingCertXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
