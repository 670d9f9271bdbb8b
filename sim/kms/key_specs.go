package kms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
	"hash"
	"strings"

	"kmslab/sim/api"
)

// Key usages.
const (
	usageSign   = "SIGN_VERIFY"
	usageMAC    = "GENERATE_VERIFY_MAC"
	usageAgree  = "KEY_AGREEMENT"
	messageRaw  = "RAW"
	messageHash = "DIGEST"
)

// specInfo is what one key spec allows, from AWS KMS's key spec reference
// (developerguide/symm-asymm-choose-key-spec.html): the key usages it may be created
// with and the algorithms of each.
type specInfo struct {
	usages     []string
	encryption []string // for ENCRYPT_DECRYPT
	signing    []string // for SIGN_VERIFY
	mac        []string // for GENERATE_VERIFY_MAC
	// offline is why the offline KMS cannot make this spec ("" when it can): the Go
	// standard library has no primitive for it, and we write none of our own.
	offline string
	// generate makes new key material: a PKCS #8 private key, or HMAC key bytes.
	generate func() ([]byte, error)
	// size is the RSA modulus or curve in bits, or the HMAC key in bytes.
	size int
}

var rsaSigning = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
	"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}

var specs = map[string]specInfo{
	specSymmetric: {usages: []string{usageEncrypt}, encryption: []string{specSymmetric}},
	"RSA_2048": {usages: []string{usageEncrypt, usageSign}, encryption: []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"},
		signing: rsaSigning, generate: rsaKey(2048), size: 2048},
	"RSA_3072": {usages: []string{usageEncrypt, usageSign}, encryption: []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"},
		signing: rsaSigning, generate: rsaKey(3072), size: 3072},
	"RSA_4096": {usages: []string{usageEncrypt, usageSign}, encryption: []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"},
		signing: rsaSigning, generate: rsaKey(4096), size: 4096},
	"ECC_NIST_P256": {usages: []string{usageSign, usageAgree}, signing: []string{"ECDSA_SHA_256"}, generate: ecKey(elliptic.P256()), size: 256},
	"ECC_NIST_P384": {usages: []string{usageSign, usageAgree}, signing: []string{"ECDSA_SHA_384"}, generate: ecKey(elliptic.P384()), size: 384},
	"ECC_NIST_P521": {usages: []string{usageSign, usageAgree}, signing: []string{"ECDSA_SHA_512"}, generate: ecKey(elliptic.P521()), size: 521},
	"ECC_SECG_P256K1": {usages: []string{usageSign}, signing: []string{"ECDSA_SHA_256"},
		offline: "the Go standard library has no secp256k1 curve"},
	"HMAC_224": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_224"}, generate: randomKey(28), size: 28},
	"HMAC_256": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_256"}, generate: randomKey(32), size: 32},
	"HMAC_384": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_384"}, generate: randomKey(48), size: 48},
	"HMAC_512": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_512"}, generate: randomKey(64), size: 64},
	"SM2": {usages: []string{usageEncrypt, usageSign, usageAgree}, encryption: []string{"SM2PKE"}, signing: []string{"SM2DSA"},
		offline: "SM2 keys exist only in the China Regions, and the Go standard library has no SM2"},
	"ML_DSA_44": {usages: []string{usageSign}, signing: []string{"ML_DSA_SHAKE_256"},
		offline: "the Go standard library has no ML-DSA"},
	"ML_DSA_65": {usages: []string{usageSign}, signing: []string{"ML_DSA_SHAKE_256"},
		offline: "the Go standard library has no ML-DSA"},
	"ML_DSA_87": {usages: []string{usageSign}, signing: []string{"ML_DSA_SHAKE_256"},
		offline: "the Go standard library has no ML-DSA"},
	"ECC_NIST_EDWARDS25519": {usages: []string{usageSign}, signing: []string{"ED25519_SHA_512", "ED25519_PH_SHA_512"},
		generate: edKey, size: 256},
}

// algorithms of the spec for the usage.
func (si specInfo) algorithms(usage string) (enc, sign, mac []string) {
	switch usage {
	case usageEncrypt:
		return si.encryption, nil, nil
	case usageSign:
		return nil, si.signing, nil
	case usageMAC:
		return nil, nil, si.mac
	}
	return nil, nil, nil
}

// checkSpec decides CreateKey's KeySpec and KeyUsage, with KMS's refusals, and
// returns the usage the key gets.
func checkSpec(spec string, usage *string) (string, error) {
	si, ok := specs[spec]
	if !ok {
		return "", api.BadRequest("ValidationException", "KeySpec %s is not valid.", spec)
	}
	// KeyUsage defaults to ENCRYPT_DECRYPT whatever the spec (API_CreateKey.html), so an
	// ECC or HMAC key created without one is refused for the combination.
	u := usageEncrypt
	if usage != nil {
		u = *usage
	}
	allowed := false
	for _, x := range si.usages {
		allowed = allowed || x == u
	}
	if !allowed {
		return "", api.BadRequest("ValidationException", "KeyUsage %s is not compatible with KeySpec %s", u, spec)
	}
	if si.offline != "" {
		return "", api.BadRequest("UnsupportedOperationException", "KeySpec %s is not supported by this offline KMS: %s.", spec, si.offline)
	}
	if u == usageAgree {
		return "", api.BadRequest("UnsupportedOperationException", "KeyUsage KEY_AGREEMENT is not supported by this offline KMS.")
	}
	return u, nil
}

func rsaKey(bits int) func() ([]byte, error) {
	return func() ([]byte, error) {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	}
}

func ecKey(c elliptic.Curve) func() ([]byte, error) {
	return func() ([]byte, error) {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	}
}

func edKey() ([]byte, error) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return x509.MarshalPKCS8PrivateKey(k)
}

func randomKey(n int) func() ([]byte, error) {
	return func() ([]byte, error) {
		b := make([]byte, n)
		_, err := rand.Read(b)
		return b, err
	}
}

// asymmetric reports whether k holds a private key (RSA or ECC).
func (k *key) asymmetric() bool { return k.spec != specSymmetric && k.usage != usageMAC }

// signer is k's private key, parsed from its PKCS #8 material.
func (k *key) signer() (crypto.Signer, error) {
	priv, err := x509.ParsePKCS8PrivateKey(k.material)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.id, err)
	}
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %s: %T is not a signer", k.id, priv)
	}
	return s, nil
}

// publicKeyDER is k's public key as a DER SubjectPublicKeyInfo, what GetPublicKey returns.
func (k *key) publicKeyDER() ([]byte, error) {
	s, err := k.signer()
	if err != nil {
		return nil, err
	}
	return x509.MarshalPKIXPublicKey(s.Public())
}

// signingHash is the digest a signing algorithm signs.
func signingHash(alg string) crypto.Hash {
	switch alg[len(alg)-3:] {
	case "384":
		return crypto.SHA384
	case "512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

var (
	errDigestLength = errors.New("digest length")
	errMessageType  = errors.New("message type")
)

// signingDigest is what Sign and Verify hand the signer: the message's digest for RAW,
// the message itself for DIGEST, which must then be exactly as long as the algorithm's
// hash. Ed25519 is apart (API_Sign.html, MessageType): ED25519_SHA_512 signs the message
// itself and takes RAW only; ED25519_PH_SHA_512 takes a 64-byte DIGEST only, and KMS still
// applies Ed25519ph's SHA-512 prehash to it, so the digest is hashed once more.
func signingDigest(alg, messageType string, msg []byte) ([]byte, error) {
	switch alg {
	case "ED25519_SHA_512":
		if messageType != messageRaw {
			return nil, errMessageType
		}
		return msg, nil
	case "ED25519_PH_SHA_512":
		if messageType != messageHash {
			return nil, errMessageType
		}
		if len(msg) != sha512.Size {
			return nil, errDigestLength
		}
		d := sha512.Sum512(msg)
		return d[:], nil
	}
	h := signingHash(alg)
	if messageType == messageHash {
		if len(msg) != h.Size() {
			return nil, errDigestLength
		}
		return msg, nil
	}
	d := h.New()
	d.Write(msg)
	return d.Sum(nil), nil
}

// signerOpts are the options of a signing algorithm: PSS uses a salt as long as
// the digest (verified against KMS by public suites; API_Sign.html names the schemes).
func signerOpts(alg string) crypto.SignerOpts {
	switch {
	case alg == "ED25519_SHA_512":
		return crypto.Hash(0)
	case alg == "ED25519_PH_SHA_512":
		return &ed25519.Options{Hash: crypto.SHA512}
	case strings.HasPrefix(alg, "RSASSA_PSS"):
		return &rsa.PSSOptions{Hash: signingHash(alg), SaltLength: rsa.PSSSaltLengthEqualsHash}
	}
	return signingHash(alg)
}

// verifySignature checks sig over d (from signingDigest) with pub.
func verifySignature(pub crypto.PublicKey, alg string, d, sig []byte) bool {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		if opts, ok := signerOpts(alg).(*rsa.PSSOptions); ok {
			return rsa.VerifyPSS(pub, opts.Hash, d, sig, opts) == nil
		}
		return rsa.VerifyPKCS1v15(pub, signingHash(alg), d, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(pub, d, sig)
	case ed25519.PublicKey:
		opts := &ed25519.Options{}
		if o, ok := signerOpts(alg).(*ed25519.Options); ok {
			opts = o
		}
		return ed25519.VerifyWithOptions(pub, d, sig, opts) == nil
	}
	return false
}

// macHash is the hash of an HMAC algorithm.
func macHash(alg string) func() hash.Hash {
	switch alg {
	case "HMAC_SHA_224":
		return sha256.New224
	case "HMAC_SHA_384":
		return sha512.New384
	case "HMAC_SHA_512":
		return sha512.New
	}
	return sha256.New
}

func computeMAC(k *key, alg string, msg []byte) []byte {
	m := hmac.New(macHash(alg), k.material)
	m.Write(msg)
	return m.Sum(nil)
}

// oaepHash is the hash of an RSA OAEP algorithm (MGF1 uses the same one, as KMS does).
func oaepHash(alg string) hash.Hash {
	if alg == "RSAES_OAEP_SHA_1" {
		return sha1.New()
	}
	return sha256.New()
}

// errUsage is InvalidKeyUsageException for an operation k's usage does not allow.
func errUsage(k *key, op string) error {
	return api.BadRequest("InvalidKeyUsageException", "%s key usage is %s which is not valid for %s.", k.arn, k.usage, op)
}

// requireUsage is a key state check that also requires usage (and, for the
// symmetric-only operations, SYMMETRIC_DEFAULT): KMS answers it after authorizing.
func requireUsage(op, usage string, symmetricOnly bool) func(*key) error {
	return func(k *key) error {
		if err := requireUsable(k); err != nil {
			return err
		}
		if k.usage != usage {
			return errUsage(k, op)
		}
		if symmetricOnly && k.spec != specSymmetric {
			return api.BadRequest("InvalidKeyUsageException", "%s key spec is %s which is not valid for %s.", k.arn, k.spec, op)
		}
		return nil
	}
}

// algorithmFor checks that alg is one of k's algorithms for its usage.
func algorithmFor(k *key, alg string) error {
	enc, sign, mac := specs[k.spec].algorithms(k.usage)
	for _, l := range [][]string{enc, sign, mac} {
		for _, a := range l {
			if a == alg {
				return nil
			}
		}
	}
	return api.BadRequest("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", alg, k.spec)
}

// checkMaterial tells whether material restored from a data dir is a key of spec and usage.
func checkMaterial(spec, usage string, material []byte) error {
	si, ok := specs[spec]
	if !ok || si.offline != "" {
		return fmt.Errorf("key spec %q", spec)
	}
	if _, err := checkSpec(spec, &usage); err != nil {
		return fmt.Errorf("key usage %q for %s", usage, spec)
	}
	switch {
	case spec == specSymmetric:
		if len(material) != 32 {
			return fmt.Errorf("%d bytes of symmetric material", len(material))
		}
	case usage == usageMAC:
		if len(material) != si.size {
			return fmt.Errorf("%d bytes of %s material", len(material), spec)
		}
	default:
		k := &key{id: "restored", spec: spec, usage: usage, material: material}
		signer, err := k.signer()
		if err != nil {
			return err
		}
		size := 0
		switch pub := signer.Public().(type) {
		case *rsa.PublicKey:
			size = pub.N.BitLen()
		case *ecdsa.PublicKey:
			size = pub.Curve.Params().BitSize
		case ed25519.PublicKey:
			size = 8 * len(pub)
		}
		if size != si.size {
			return fmt.Errorf("a %T of %d bits is not a %s key", signer, size, spec)
		}
	}
	return nil
}

// requireRotatable refuses automatic rotation for keys other than symmetric encryption
// keys, which KMS does not rotate (developerguide/rotate-keys.html).
func requireRotatable(k *key) error {
	if err := requireUsable(k); err != nil {
		return err
	}
	if k.spec != specSymmetric {
		return api.BadRequest("UnsupportedOperationException", "%s has key spec %s: automatic rotation is only for SYMMETRIC_DEFAULT keys.", k.arn, k.spec)
	}
	return nil
}
