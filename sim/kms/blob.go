package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"sort"
)

// Ciphertext blob layout (ours; AWS's is opaque too, but also names its key):
//
//	version (1) | len(key id) (1) | key id | nonce (12) | AES-256-GCM ciphertext and tag
//
// The header and the canonical encryption context are the GCM additional data,
// so a blob moved to another key, or decrypted with another context, fails.
const (
	blobVersion = 1
	nonceSize   = 12
	tagSize     = 16
)

var errBadBlob = errors.New("invalid ciphertext blob")

// canonicalContext encodes an encryption context independent of map order:
// sorted keys, each key and value length-prefixed so no two contexts collide.
func canonicalContext(ctx map[string]string) []byte {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []byte
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(ctx[k])))
		b = append(b, ctx[k]...)
	}
	return b
}

func blobHeader(keyID string) []byte {
	h := make([]byte, 0, 2+len(keyID))
	h = append(h, blobVersion, byte(len(keyID)))
	return append(h, keyID...)
}

func newGCM(material []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts plaintext under the key's material with nonce (12 bytes).
func seal(keyID string, material, nonce, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	aead, err := newGCM(material)
	if err != nil {
		return nil, err
	}
	header := blobHeader(keyID)
	aad := append(append([]byte{}, header...), canonicalContext(encCtx)...)
	out := append(header, nonce...)
	return aead.Seal(out, nonce, plaintext, aad), nil
}

// blobKeyID reads which key a blob names, without decrypting it.
func blobKeyID(blob []byte) (string, error) {
	if len(blob) < 2 || blob[0] != blobVersion {
		return "", errBadBlob
	}
	n := int(blob[1])
	if len(blob) < 2+n+nonceSize+tagSize {
		return "", errBadBlob
	}
	return string(blob[2 : 2+n]), nil
}

// open decrypts a blob with the material of the key it names.
func open(material, blob []byte, encCtx map[string]string) ([]byte, error) {
	keyID, err := blobKeyID(blob)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(material)
	if err != nil {
		return nil, err
	}
	hl := 2 + len(keyID)
	aad := append(append([]byte{}, blob[:hl]...), canonicalContext(encCtx)...)
	nonce := blob[hl : hl+nonceSize]
	pt, err := aead.Open(nil, nonce, blob[hl+nonceSize:], aad)
	if err != nil {
		return nil, errBadBlob
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// encryptWith seals plaintext under k with a fresh nonce from the environment.
func (s *Service) encryptWith(k *key, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	return seal(k.id, k.material, s.env.Bytes(nonceSize), plaintext, encCtx)
}

// blobKey finds the key a blob names. Callers hold s.mu.
// Any failure is InvalidCiphertextException, as AWS answers.
func (s *Service) blobKey(blob []byte) (*key, error) {
	id, err := blobKeyID(blob)
	if err != nil || !isKeyID(id) {
		return nil, errInvalidCiphertext()
	}
	s.purge()
	k, ok := s.keys[id]
	if !ok {
		return nil, errInvalidCiphertext()
	}
	return k, nil
}
