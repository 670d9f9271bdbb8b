package sim_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"kmslab/sim"
)

// selfSigned is a PEM certificate valid from notBefore to notAfter.
func selfSigned(t *testing.T, cn string, notBefore, notAfter time.Time) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestIAMSigningCertificates covers Upload/List/Update/DeleteSigningCertificate over the wire.
func TestIAMSigningCertificates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	c := iam.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("signer")}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cert1 := selfSigned(t, "one", now.Add(-time.Hour), now.Add(24*time.Hour))
	up, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"), CertificateBody: aws.String(cert1)})
	if err != nil {
		t.Fatalf("UploadSigningCertificate: %v", err)
	}
	cert := up.Certificate
	if aws.ToString(cert.UserName) != "signer" || cert.Status != iamtypes.StatusTypeActive || len(aws.ToString(cert.CertificateId)) < 24 ||
		aws.ToString(cert.CertificateBody) != cert1 || cert.UploadDate == nil {
		t.Fatalf("Certificate %+v", cert)
	}
	wantErr := func(what string, err error, code string) {
		t.Helper()
		if got, msg := apiError(t, err); got != code {
			t.Fatalf("%s: %s %s, want %s", what, got, msg, code)
		}
	}
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"), CertificateBody: aws.String(cert1)})
	wantErr("the same certificate again", err, "DuplicateCertificate")
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"), CertificateBody: aws.String("not a certificate")})
	wantErr("a malformed certificate", err, "MalformedCertificate")
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"),
		CertificateBody: aws.String(selfSigned(t, "old", now.Add(-48*time.Hour), now.Add(-24*time.Hour)))})
	wantErr("an expired certificate", err, "MalformedCertificate")
	if _, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"),
		CertificateBody: aws.String(selfSigned(t, "two", now.Add(-time.Hour), now.Add(24*time.Hour)))}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"),
		CertificateBody: aws.String(selfSigned(t, "three", now.Add(-time.Hour), now.Add(24*time.Hour)))})
	wantErr("a third certificate", err, "LimitExceeded")

	if _, err := c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("signer"),
		CertificateId: cert.CertificateId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatalf("UpdateSigningCertificate: %v", err)
	}
	list, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("signer")})
	if err != nil || len(list.Certificates) != 2 || list.Certificates[0].Status != iamtypes.StatusTypeInactive {
		t.Fatalf("ListSigningCertificates: %+v %v", list, err)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("signer")})
	wantErr("DeleteUser with certificates", err, "DeleteConflict")
	for _, cc := range list.Certificates {
		if _, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("signer"), CertificateId: cc.CertificateId}); err != nil {
			t.Fatalf("DeleteSigningCertificate: %v", err)
		}
	}
	_, err = c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("signer"), CertificateId: cert.CertificateId})
	wantErr("DeleteSigningCertificate of a deleted certificate", err, "NoSuchEntity")
	_, err = c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("nobody"),
		CertificateId: cert.CertificateId, Status: iamtypes.StatusTypeActive})
	wantErr("UpdateSigningCertificate of a missing user", err, "NoSuchEntity")
	// Without UserName the caller's own certificates.
	own, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	if err != nil || len(own.Certificates) != 0 {
		t.Fatalf("ListSigningCertificates of the caller: %+v %v", own, err)
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("signer")}); err != nil {
		t.Fatalf("DeleteUser after deleting its certificates: %v", err)
	}
}
