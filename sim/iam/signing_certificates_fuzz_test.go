package iam

import (
	"errors"
	"testing"
	"time"

	"kmslab/sim/api"
)

// FuzzSigningCertificate feeds arbitrary certificate bodies to UploadSigningCertificate's
// parser: it must never panic and must refuse with MalformedCertificate only.
func FuzzSigningCertificate(f *testing.F) {
	for _, s := range []string{"", "not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		err := parseSigningCert(body, now)
		var ae *api.Error
		if err != nil && (!errors.As(err, &ae) || ae.Code != "MalformedCertificate") {
			t.Fatalf("refused with %v", err)
		}
	})
}
