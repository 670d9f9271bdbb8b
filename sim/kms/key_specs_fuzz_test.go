package kms

import (
	"crypto/rand"
	"errors"
	"testing"

	"kmslab/sim/api"
)

// FuzzKeySpec feeds CreateKey's KeySpec and KeyUsage, and key material as a data dir
// holds it, to their checks: nothing may panic, a refusal is a client error, and what
// checkSpec accepts is a spec the offline KMS can make.
func FuzzKeySpec(f *testing.F) {
	for spec := range specs {
		for _, u := range usages {
			f.Add(spec, u, []byte{})
		}
	}
	f.Add("RSA_2048", "SIGN_VERIFY", []byte{0x30, 0x82, 0x01})
	f.Add("HMAC_256", "GENERATE_VERIFY_MAC", make([]byte, 32))
	f.Fuzz(func(t *testing.T, spec, usage string, material []byte) {
		u, err := checkSpec(spec, &usage)
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != 400 {
				t.Fatalf("checkSpec(%q, %q) = %v, want a client error", spec, usage, err)
			}
		} else if u != usage || specs[spec].offline != "" || (spec != specSymmetric && specs[spec].generate == nil) {
			t.Fatalf("checkSpec(%q, %q) accepted a key the offline KMS cannot make", spec, usage)
		}
		if checkMaterial(spec, usage, material) == nil && err != nil {
			t.Fatalf("material for %q %q accepted, but the spec is refused", spec, usage)
		}
	})
}

// FuzzSigningInput feeds arbitrary Sign bodies to the signing input's checks with an ECC
// and an RSA key: nothing may panic, and whatever they accept signs and verifies.
func FuzzSigningInput(f *testing.F) {
	keys := map[string]*key{}
	for _, spec := range []string{"ECC_NIST_P256", "RSA_2048", "ECC_NIST_EDWARDS25519"} {
		m, err := specs[spec].generate()
		if err != nil {
			f.Fatal(err)
		}
		keys[spec] = &key{id: spec, arn: "arn:aws:kms:us-east-1:111122223333:key/" + spec, spec: spec, usage: usageSign, material: m}
	}
	for _, s := range []string{
		`{"KeyId":"k","Message":"eA==","SigningAlgorithm":"ECDSA_SHA_256"}`,
		`{"KeyId":"k","Message":"` + b64(make([]byte, 32)) + `","MessageType":"DIGEST","SigningAlgorithm":"RSASSA_PSS_SHA_256"}`,
		`{"KeyId":"k","Message":"eA==","MessageType":"EXTERNAL_MU","SigningAlgorithm":"RSASSA_PKCS1_V1_5_SHA_512"}`,
		`{"KeyId":"k","Message":"","SigningAlgorithm":"ECDSA_SHA_384"}`, `{}`, `null`,
		`{"KeyId":"k","Message":"` + b64(make([]byte, 64)) + `","MessageType":"DIGEST","SigningAlgorithm":"ED25519_PH_SHA_512"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decode[signInput](body)
		if err != nil {
			return
		}
		for _, k := range keys {
			d, err := in.digest(k)
			if err != nil {
				var ae *api.Error
				if !errors.As(err, &ae) || ae.Status != 400 {
					t.Fatalf("digest: %v, want a client error", err)
				}
				continue
			}
			signer, err := k.signer()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := signer.Sign(rand.Reader, d, signerOpts(*in.SigningAlgorithm)); err != nil {
				t.Fatalf("%s %s accepted but cannot sign: %v", k.spec, *in.SigningAlgorithm, err)
			}
		}
	})
}
