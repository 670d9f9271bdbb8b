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
// A key's first material writes version 1; after a rotation, version 2 adds
// which material sealed the blob (a big-endian uint16 after the key id), so
// a blob sealed before a rotation still opens with the material that sealed
// it, as AWS promises (developerguide/rotating-keys.html: "KMS retains all
// key material for a KMS key ... you can use it to decrypt any ciphertext").
//
// The header and the canonical encryption context are the GCM additional data,
// so a blob moved to another key, or decrypted with another context, fails.
const (
	blobVersion        = 1
	blobVersionRotated = 2
	nonceSize          = 12
	tagSize            = 16
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

// blobHeader names the key and, after a rotation, its material (index 0 is
// the key's first material).
func blobHeader(keyID string, material int) []byte {
	h := make([]byte, 0, 4+len(keyID))
	if material == 0 {
		h = append(h, blobVersion, byte(len(keyID)))
		return append(h, keyID...)
	}
	h = append(h, blobVersionRotated, byte(len(keyID)))
	h = append(h, keyID...)
	return binary.BigEndian.AppendUint16(h, uint16(material))
}

func newGCM(material []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts plaintext under the key's material number index with nonce (12 bytes).
func seal(keyID string, index int, material, nonce, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	aead, err := newGCM(material)
	if err != nil {
		return nil, err
	}
	header := blobHeader(keyID, index)
	aad := append(append([]byte{}, header...), canonicalContext(encCtx)...)
	out := append(header, nonce...)
	return aead.Seal(out, nonce, plaintext, aad), nil
}

// blobKeyID reads which key a blob names, without decrypting it.
func blobKeyID(blob []byte) (string, error) {
	id, _, _, err := parseBlobHeader(blob)
	return id, err
}

// parseBlobHeader reads the key a blob names, the index of the material
// that sealed it and the header's length.
func parseBlobHeader(blob []byte) (keyID string, material, headerLen int, err error) {
	if len(blob) < 2 || blob[0] != blobVersion && blob[0] != blobVersionRotated {
		return "", 0, 0, errBadBlob
	}
	n := int(blob[1])
	headerLen = 2 + n
	if blob[0] == blobVersionRotated {
		headerLen += 2
	}
	if len(blob) < headerLen+nonceSize+tagSize {
		return "", 0, 0, errBadBlob
	}
	if blob[0] == blobVersionRotated {
		material = int(binary.BigEndian.Uint16(blob[2+n:]))
		if material == 0 {
			return "", 0, 0, errBadBlob // the first material always writes version 1
		}
	}
	return string(blob[2 : 2+n]), material, headerLen, nil
}

// open decrypts a blob with materials[i], the material that sealed it.
func open(materials [][]byte, blob []byte, encCtx map[string]string) ([]byte, error) {
	_, index, hl, err := parseBlobHeader(blob)
	if err != nil {
		return nil, err
	}
	if index >= len(materials) {
		return nil, errBadBlob
	}
	aead, err := newGCM(materials[index])
	if err != nil {
		return nil, err
	}
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
	return seal(k.id, len(k.retired), k.material, s.env.Bytes(nonceSize), plaintext, encCtx)
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
