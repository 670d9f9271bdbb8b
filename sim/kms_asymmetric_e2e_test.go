package sim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"hash"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func createSpecKey(t *testing.T, c *kms.Client, spec kmstypes.KeySpec, usage kmstypes.KeyUsageType) *kmstypes.KeyMetadata {
	t.Helper()
	out, err := c.CreateKey(context.Background(), &kms.CreateKeyInput{KeySpec: spec, KeyUsage: usage})
	if err != nil {
		t.Fatalf("CreateKey %s %s: %v", spec, usage, err)
	}
	md := out.KeyMetadata
	if md.KeySpec != spec || md.KeyUsage != usage {
		t.Fatalf("CreateKey %s %s: metadata %+v", spec, usage, md)
	}
	return md
}

// wantKMSErr requires err to be the AWS error code, with a message starting with prefix.
func wantKMSErr(t *testing.T, what string, err error, code, prefix string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want %s", what, code)
	}
	got, msg := awsErr(t, what, err)
	if got != code || !strings.HasPrefix(msg, prefix) {
		t.Fatalf("%s:\n got %s: %s\nwant %s: %s...", what, got, msg, code, prefix)
	}
}

func digestOf(h crypto.Hash, msg []byte) []byte {
	d := h.New()
	d.Write(msg)
	return d.Sum(nil)
}

// TestKMSSignVerify signs with every signing algorithm of each RSA and ECC NIST spec, with
// RAW and DIGEST messages, checks each signature with Go's own crypto against the public
// key GetPublicKey returns, and with Verify; then the refusals.
func TestKMSSignVerify(t *testing.T) {
	t.Parallel()
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	msg := []byte("kmslab signs this")
	for _, c := range []struct {
		spec kmstypes.KeySpec
		algs []kmstypes.SigningAlgorithmSpec
	}{
		{kmstypes.KeySpecRsa2048, []kmstypes.SigningAlgorithmSpec{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
			"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}},
		{kmstypes.KeySpecEccNistP256, []kmstypes.SigningAlgorithmSpec{"ECDSA_SHA_256"}},
		{kmstypes.KeySpecEccNistP384, []kmstypes.SigningAlgorithmSpec{"ECDSA_SHA_384"}},
		{kmstypes.KeySpecEccNistP521, []kmstypes.SigningAlgorithmSpec{"ECDSA_SHA_512"}},
		{kmstypes.KeySpecEccNistEdwards25519, []kmstypes.SigningAlgorithmSpec{"ED25519_SHA_512", "ED25519_PH_SHA_512"}},
	} {
		md := createSpecKey(t, e.admin, c.spec, kmstypes.KeyUsageTypeSignVerify)
		if len(md.SigningAlgorithms) != len(c.algs) || md.EncryptionAlgorithms != nil {
			t.Fatalf("%s: SigningAlgorithms %v, EncryptionAlgorithms %v", c.spec, md.SigningAlgorithms, md.EncryptionAlgorithms)
		}
		pk, err := e.admin.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: md.KeyId})
		if err != nil {
			t.Fatalf("GetPublicKey %s: %v", c.spec, err)
		}
		pub, err := x509.ParsePKIXPublicKey(pk.PublicKey)
		if err != nil || pk.KeySpec != c.spec || pk.KeyUsage != kmstypes.KeyUsageTypeSignVerify || len(pk.SigningAlgorithms) != len(c.algs) {
			t.Fatalf("GetPublicKey %s: %+v, %v", c.spec, pk, err)
		}
		for _, alg := range c.algs {
			h := map[string]crypto.Hash{"256": crypto.SHA256, "384": crypto.SHA384, "512": crypto.SHA512}[string(alg)[len(alg)-3:]]
			for _, mt := range []kmstypes.MessageType{kmstypes.MessageTypeRaw, kmstypes.MessageTypeDigest} {
				m := msg
				if mt == kmstypes.MessageTypeDigest {
					m = digestOf(h, msg)
				}
				// Ed25519 takes one message type per algorithm (API_Sign.html, MessageType).
				if strings.HasPrefix(string(alg), "ED25519") && (alg == "ED25519_SHA_512") != (mt == kmstypes.MessageTypeRaw) {
					_, err := e.admin.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: m, MessageType: mt, SigningAlgorithm: alg})
					wantKMSErr(t, "Sign "+string(alg)+" "+string(mt), err, "ValidationException", "Message type "+string(mt)+" is incompatible with algorithm "+string(alg)+".")
					continue
				}
				sig, err := e.admin.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: m, MessageType: mt, SigningAlgorithm: alg})
				if err != nil || sig.SigningAlgorithm != alg || aws.ToString(sig.KeyId) != aws.ToString(md.Arn) {
					t.Fatalf("Sign %s %s %s: %+v %v", c.spec, alg, mt, sig, err)
				}
				d := digestOf(h, msg)
				ok := false
				switch pub := pub.(type) {
				case *rsa.PublicKey:
					if strings.HasPrefix(string(alg), "RSASSA_PSS") {
						ok = rsa.VerifyPSS(pub, h, d, sig.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
					} else {
						ok = rsa.VerifyPKCS1v15(pub, h, d, sig.Signature) == nil
					}
				case *ecdsa.PublicKey:
					ok = ecdsa.VerifyASN1(pub, d, sig.Signature)
				case ed25519.PublicKey:
					if alg == "ED25519_SHA_512" {
						ok = ed25519.Verify(pub, msg, sig.Signature)
					} else {
						// Ed25519ph of the 64-byte digest: KMS prehashes it once more.
						ok = ed25519.VerifyWithOptions(pub, digestOf(crypto.SHA512, d), sig.Signature, &ed25519.Options{Hash: crypto.SHA512}) == nil
					}
				}
				if !ok {
					t.Fatalf("%s %s %s: the signature does not verify against GetPublicKey's key", c.spec, alg, mt)
				}
				v, err := e.admin.Verify(ctx, &kms.VerifyInput{KeyId: md.KeyId, Message: m, MessageType: mt, SigningAlgorithm: alg, Signature: sig.Signature})
				if err != nil || !v.SignatureValid {
					t.Fatalf("Verify %s %s %s: %+v %v", c.spec, alg, mt, v, err)
				}
				other := append([]byte("x"), m[1:]...)
				_, err = e.admin.Verify(ctx, &kms.VerifyInput{KeyId: md.KeyId, Message: other, MessageType: mt, SigningAlgorithm: alg, Signature: sig.Signature})
				var invalid *kmstypes.KMSInvalidSignatureException
				if !errors.As(err, &invalid) {
					t.Fatalf("Verify %s %s of another message: %v, want KMSInvalidSignatureException", c.spec, alg, err)
				}
			}
		}
		last := c.algs[len(c.algs)-1]
		_, err = e.admin.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: []byte("short"), MessageType: kmstypes.MessageTypeDigest, SigningAlgorithm: last})
		wantKMSErr(t, "Sign a digest of the wrong length", err, "ValidationException", "Digest is invalid length for algorithm "+string(last)+".")
		wrong := kmstypes.SigningAlgorithmSpecEcdsaSha384
		if c.spec == kmstypes.KeySpecEccNistP384 {
			wrong = kmstypes.SigningAlgorithmSpecEcdsaSha256
		}
		_, err = e.admin.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: msg, SigningAlgorithm: wrong})
		wantKMSErr(t, "Sign with another spec's algorithm", err, "InvalidKeyUsageException", "Algorithm "+string(wrong)+" is incompatible with key spec "+string(c.spec)+".")
		_, err = e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: msg})
		wantKMSErr(t, "Encrypt with a signing key", err, "InvalidKeyUsageException", aws.ToString(md.Arn)+" key usage is SIGN_VERIFY which is not valid for Encrypt.")
		_, err = e.admin.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: md.KeyId})
		wantKMSErr(t, "EnableKeyRotation on an asymmetric key", err, "UnsupportedOperationException", "")
		_, err = e.user.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: msg, SigningAlgorithm: c.algs[0]})
		wantKMSErr(t, "Sign by a user without kms:Sign", err, "AccessDeniedException", "User: "+e.userARN+" is not authorized to perform: kms:Sign")
	}

	sym, err := e.admin.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.admin.Sign(ctx, &kms.SignInput{KeyId: sym.KeyMetadata.KeyId, Message: msg, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	wantKMSErr(t, "Sign with a symmetric key", err, "InvalidKeyUsageException", aws.ToString(sym.KeyMetadata.Arn)+" key usage is ENCRYPT_DECRYPT which is not valid for Sign.")
	_, err = e.admin.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sym.KeyMetadata.KeyId})
	wantKMSErr(t, "GetPublicKey of a symmetric key", err, "UnsupportedOperationException", "")

	for _, c := range []struct {
		spec  kmstypes.KeySpec
		usage kmstypes.KeyUsageType
		code  string
	}{
		{kmstypes.KeySpecEccNistP256, "", "ValidationException"},
		{kmstypes.KeySpecEccNistP256, kmstypes.KeyUsageTypeEncryptDecrypt, "ValidationException"},
		{kmstypes.KeySpecHmac256, kmstypes.KeyUsageTypeSignVerify, "ValidationException"},
		{kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeSignVerify, "ValidationException"},
		{kmstypes.KeySpecEccSecgP256k1, kmstypes.KeyUsageTypeSignVerify, "UnsupportedOperationException"},
		{kmstypes.KeySpecMlDsa65, kmstypes.KeyUsageTypeSignVerify, "UnsupportedOperationException"},
		{kmstypes.KeySpecEccNistEdwards25519, kmstypes.KeyUsageTypeEncryptDecrypt, "ValidationException"},
		{kmstypes.KeySpecEccNistP256, kmstypes.KeyUsageTypeKeyAgreement, "UnsupportedOperationException"},
	} {
		_, err := e.admin.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: c.spec, KeyUsage: c.usage})
		wantKMSErr(t, "CreateKey "+string(c.spec)+" "+string(c.usage), err, c.code, "")
	}
}

// TestKMSRSAEncryption encrypts with RSA OAEP (SHA-1 and SHA-256) through KMS and locally
// with GetPublicKey's key, and decrypts both through KMS.
func TestKMSRSAEncryption(t *testing.T) {
	t.Parallel()
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	md := createSpecKey(t, e.admin, kmstypes.KeySpecRsa2048, kmstypes.KeyUsageTypeEncryptDecrypt)
	if len(md.EncryptionAlgorithms) != 2 || md.SigningAlgorithms != nil {
		t.Fatalf("EncryptionAlgorithms %v SigningAlgorithms %v", md.EncryptionAlgorithms, md.SigningAlgorithms)
	}
	pk, err := e.admin.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: md.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(pk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("a secret for RSA")
	for _, c := range []struct {
		alg kmstypes.EncryptionAlgorithmSpec
		h   func() hash.Hash
		max int
	}{{kmstypes.EncryptionAlgorithmSpecRsaesOaepSha1, sha1.New, 214}, {kmstypes.EncryptionAlgorithmSpecRsaesOaepSha256, sha256.New, 190}} {
		enc, err := e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: secret, EncryptionAlgorithm: c.alg})
		if err != nil || enc.EncryptionAlgorithm != c.alg || len(enc.CiphertextBlob) != 256 {
			t.Fatalf("Encrypt %s: %+v %v", c.alg, enc, err)
		}
		local, err := rsa.EncryptOAEP(c.h(), rand.Reader, pub.(*rsa.PublicKey), secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, blob := range [][]byte{enc.CiphertextBlob, local} {
			dec, err := e.admin.Decrypt(ctx, &kms.DecryptInput{KeyId: md.KeyId, CiphertextBlob: blob, EncryptionAlgorithm: c.alg})
			if err != nil || !bytes.Equal(dec.Plaintext, secret) || dec.EncryptionAlgorithm != c.alg {
				t.Fatalf("Decrypt %s: %v", c.alg, err)
			}
		}
		_, err = e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: make([]byte, c.max+1), EncryptionAlgorithm: c.alg})
		wantKMSErr(t, "Encrypt too long a plaintext", err, "ValidationException", "")
		if _, err := e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: make([]byte, c.max), EncryptionAlgorithm: c.alg}); err != nil {
			t.Fatalf("Encrypt %d bytes with %s: %v", c.max, c.alg, err)
		}
	}
	enc, _ := e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: secret, EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecRsaesOaepSha256})
	_, err = e.admin.Decrypt(ctx, &kms.DecryptInput{KeyId: md.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecRsaesOaepSha1})
	wantKMSErr(t, "Decrypt with the other OAEP hash", err, "InvalidCiphertextException", "")
	_, err = e.admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantKMSErr(t, "Decrypt an RSA ciphertext without KeyId", err, "InvalidCiphertextException", "")
	_, err = e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: secret})
	wantKMSErr(t, "Encrypt with RSA and no algorithm", err, "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.")
	_, err = e.admin.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: md.KeyId, KeySpec: kmstypes.DataKeySpecAes256})
	wantKMSErr(t, "GenerateDataKey under an RSA key", err, "InvalidKeyUsageException", "")
	_, err = e.admin.Sign(ctx, &kms.SignInput{KeyId: md.KeyId, Message: secret, SigningAlgorithm: kmstypes.SigningAlgorithmSpecRsassaPssSha256})
	wantKMSErr(t, "Sign with an encryption key", err, "InvalidKeyUsageException", aws.ToString(md.Arn)+" key usage is ENCRYPT_DECRYPT which is not valid for Sign.")
}

// TestKMSHMAC generates and verifies MACs with each HMAC spec.
func TestKMSHMAC(t *testing.T) {
	t.Parallel()
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	msg := []byte("kmslab authenticates this")
	for _, c := range []struct {
		spec kmstypes.KeySpec
		alg  kmstypes.MacAlgorithmSpec
		size int
	}{
		{kmstypes.KeySpecHmac224, kmstypes.MacAlgorithmSpecHmacSha224, sha256.Size224},
		{kmstypes.KeySpecHmac256, kmstypes.MacAlgorithmSpecHmacSha256, sha256.Size},
		{kmstypes.KeySpecHmac384, kmstypes.MacAlgorithmSpecHmacSha384, sha512.Size384},
		{kmstypes.KeySpecHmac512, kmstypes.MacAlgorithmSpecHmacSha512, sha512.Size},
	} {
		md := createSpecKey(t, e.admin, c.spec, kmstypes.KeyUsageTypeGenerateVerifyMac)
		if len(md.MacAlgorithms) != 1 || md.MacAlgorithms[0] != c.alg {
			t.Fatalf("%s MacAlgorithms %v", c.spec, md.MacAlgorithms)
		}
		mac, err := e.admin.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: md.KeyId, Message: msg, MacAlgorithm: c.alg})
		if err != nil || len(mac.Mac) != c.size || mac.MacAlgorithm != c.alg {
			t.Fatalf("GenerateMac %s: %+v %v", c.spec, mac, err)
		}
		again, _ := e.admin.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: md.KeyId, Message: msg, MacAlgorithm: c.alg})
		if !bytes.Equal(again.Mac, mac.Mac) {
			t.Fatalf("%s: two MACs of one message differ", c.spec)
		}
		v, err := e.admin.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: md.KeyId, Message: msg, MacAlgorithm: c.alg, Mac: mac.Mac})
		if err != nil || !v.MacValid {
			t.Fatalf("VerifyMac %s: %+v %v", c.spec, v, err)
		}
		_, err = e.admin.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: md.KeyId, Message: append(msg, '!'), MacAlgorithm: c.alg, Mac: mac.Mac})
		var invalid *kmstypes.KMSInvalidMacException
		if !errors.As(err, &invalid) {
			t.Fatalf("VerifyMac of another message: %v, want KMSInvalidMacException", err)
		}
		other := kmstypes.MacAlgorithmSpecHmacSha256
		if c.alg == other {
			other = kmstypes.MacAlgorithmSpecHmacSha512
		}
		_, err = e.admin.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: md.KeyId, Message: msg, MacAlgorithm: other})
		wantKMSErr(t, "GenerateMac with another spec's algorithm", err, "InvalidKeyUsageException", "Algorithm "+string(other)+" is incompatible with key spec "+string(c.spec)+".")
		_, err = e.admin.Encrypt(ctx, &kms.EncryptInput{KeyId: md.KeyId, Plaintext: msg})
		wantKMSErr(t, "Encrypt with an HMAC key", err, "InvalidKeyUsageException", aws.ToString(md.Arn)+" key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.")
		_, err = e.admin.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: md.KeyId})
		wantKMSErr(t, "GetPublicKey of an HMAC key", err, "UnsupportedOperationException", "")
	}
	sym, _ := e.admin.CreateKey(ctx, &kms.CreateKeyInput{})
	_, err := e.admin.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: sym.KeyMetadata.KeyId, Message: msg, MacAlgorithm: kmstypes.MacAlgorithmSpecHmacSha256})
	wantKMSErr(t, "GenerateMac with a symmetric key", err, "InvalidKeyUsageException", aws.ToString(sym.KeyMetadata.Arn)+" key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.")
	_, err = e.admin.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecHmac256})
	wantKMSErr(t, "CreateKey HMAC_256 without KeyUsage", err, "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256")
}

// TestKMSGenerateDataKeyPair wraps key pairs under a symmetric key: the private key
// decrypts back to the plaintext one, and it matches the public key.
func TestKMSGenerateDataKeyPair(t *testing.T) {
	t.Parallel()
	e := newKMSEnv(t, 0)
	ctx := context.Background()
	sym, err := e.admin.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	encCtx := map[string]string{"purpose": "pair"}
	for _, spec := range []kmstypes.DataKeyPairSpec{kmstypes.DataKeyPairSpecRsa2048, kmstypes.DataKeyPairSpecEccNistP256, kmstypes.DataKeyPairSpecEccNistP521, kmstypes.DataKeyPairSpecEccNistEdwards25519} {
		out, err := e.admin.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: sym.KeyMetadata.KeyId, KeyPairSpec: spec, EncryptionContext: encCtx})
		if err != nil || out.KeyPairSpec != spec || aws.ToString(out.KeyId) != aws.ToString(sym.KeyMetadata.Arn) {
			t.Fatalf("GenerateDataKeyPair %s: %+v %v", spec, out, err)
		}
		priv, err := x509.ParsePKCS8PrivateKey(out.PrivateKeyPlaintext)
		if err != nil {
			t.Fatalf("%s private key: %v", spec, err)
		}
		pubDER, _ := x509.MarshalPKIXPublicKey(priv.(crypto.Signer).Public())
		if !bytes.Equal(pubDER, out.PublicKey) {
			t.Fatalf("%s: the public key is not the private key's", spec)
		}
		dec, err := e.admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: encCtx})
		if err != nil || !bytes.Equal(dec.Plaintext, out.PrivateKeyPlaintext) {
			t.Fatalf("Decrypt the wrapped %s private key: %v", spec, err)
		}
	}
	wp, err := e.admin.GenerateDataKeyPairWithoutPlaintext(ctx, &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: sym.KeyMetadata.KeyId, KeyPairSpec: kmstypes.DataKeyPairSpecEccNistP384})
	if err != nil || len(wp.PrivateKeyCiphertextBlob) == 0 || len(wp.PublicKey) == 0 {
		t.Fatalf("GenerateDataKeyPairWithoutPlaintext: %+v %v", wp, err)
	}
	_, err = e.admin.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: sym.KeyMetadata.KeyId, KeyPairSpec: kmstypes.DataKeyPairSpecEccSecgP256k1})
	wantKMSErr(t, "GenerateDataKeyPair secp256k1", err, "UnsupportedOperationException", "")
	signing := createSpecKey(t, e.admin, kmstypes.KeySpecEccNistP256, kmstypes.KeyUsageTypeSignVerify)
	_, err = e.admin.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: signing.KeyId, KeyPairSpec: kmstypes.DataKeyPairSpecEccNistP256})
	wantKMSErr(t, "GenerateDataKeyPair under a signing key", err, "InvalidKeyUsageException", "")
	_, err = e.user.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: sym.KeyMetadata.KeyId, KeyPairSpec: kmstypes.DataKeyPairSpecEccNistP256})
	wantKMSErr(t, "GenerateDataKeyPair by a user without permission", err, "AccessDeniedException", "")
	_, err = e.user.GenerateDataKeyPairWithoutPlaintext(ctx, &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: sym.KeyMetadata.KeyId, KeyPairSpec: kmstypes.DataKeyPairSpecEccNistP256})
	wantKMSErr(t, "GenerateDataKeyPairWithoutPlaintext by a user without permission", err, "AccessDeniedException",
		"User: "+e.userARN+" is not authorized to perform: kms:GenerateDataKeyPairWithoutPlaintext")
}
