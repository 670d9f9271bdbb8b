package iam

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"time"

	"kmslab/sim/api"
)

// signingCert is an X.509 signing certificate of a user (UploadSigningCertificate): IAM keeps
// it for services that verify requests signed with its private key, which it never sees.
type signingCert struct {
	ID       string
	Body     string
	Status   string
	Uploaded time.Time
}

type signingCertXML struct {
	UserName        string `xml:"UserName"`
	CertificateID   string `xml:"CertificateId"`
	CertificateBody string `xml:"CertificateBody"`
	Status          string `xml:"Status"`
	UploadDate      string `xml:"UploadDate"`
}

func (c *signingCert) xml(user string) signingCertXML {
	return signingCertXML{UserName: user, CertificateID: c.ID, CertificateBody: c.Body, Status: c.Status, UploadDate: timestamp(c.Uploaded)}
}

// maxSigningCertsPerUser is IAM's quota (IAM/latest/UserGuide/reference_iam-quotas.html).
const maxSigningCertsPerUser = 2

var (
	ruleCertificateBody = stringRule{min: 1, max: 16384, re: policyDocRE, pat: policyDocPat}
	ruleCertificateID   = stringRule{min: 24, max: 128, re: lazyRegexp(`^\w+$`), pat: `[\w]+`}
)

// parseSigningCert reads a PEM X.509 certificate with the standard library, refusing what
// IAM refuses: anything else, or a certificate already expired at now.
func parseSigningCert(body string, now time.Time) error {
	block, _ := pem.Decode([]byte(body))
	if block == nil || block.Type != "CERTIFICATE" {
		return api.BadRequest("MalformedCertificate", "Certificate body is not a PEM-encoded X.509 certificate.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return api.BadRequest("MalformedCertificate", "Certificate body is malformed: %s.", err)
	}
	if now.After(cert.NotAfter) {
		return api.BadRequest("MalformedCertificate", "Certificate has expired: it was valid until %s.", cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// signingCertOf finds a user's certificate by id. Callers hold mu.
func signingCertOf(u *user, id string) (*signingCert, error) {
	for _, c := range u.Certs {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, api.Errorf(http.StatusNotFound, "NoSuchEntity", "The Certificate with id %s cannot be found.", id)
}
