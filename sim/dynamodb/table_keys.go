package dynamodb

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"kmslab/internal/keyedhash"
	"kmslab/sim/dynamodb/attr"
)

// Labels separating the keys derived from one table key, so the index can never be used
// to learn anything about the encryption key or the other way round.
const (
	labelEncrypt   = "kmslab/dynamodb/v1/item-encryption"
	labelItemIndex = "kmslab/dynamodb/v1/item-index"
	labelPartIndex = "kmslab/dynamodb/v1/partition-index"
	nonceSize      = 12
	tableKeyBytes  = 32
)

// tableKeys are the working keys derived from one table key. They live only in memory,
// for one request or in the per-principal cache.
type tableKeys struct {
	aead cipher.AEAD
	item *keyedhash.Hasher // item hashes
	part *keyedhash.Hasher // partition hashes
	gen  uint64            // the table key generation they belong to
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newTableKeys(tableKey []byte, gen uint64) (*tableKeys, error) {
	if len(tableKey) != tableKeyBytes {
		return nil, fmt.Errorf("table key is %d bytes, want %d", len(tableKey), tableKeyBytes)
	}
	block, err := aes.NewCipher(derive(tableKey, labelEncrypt))
	if err != nil {
		return nil, fmt.Errorf("table cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("table cipher: %w", err)
	}
	return &tableKeys{aead: aead, item: keyedhash.New(derive(tableKey, labelItemIndex)), part: keyedhash.New(derive(tableKey, labelPartIndex)), gen: gen}, nil
}

// itemHash indexes an item: HMAC(item key, KeyBytes(hash) || KeyBytes(range)).
func (k *tableKeys) itemHash(hash attr.Value, rng *attr.Value) string {
	if rng == nil {
		return k.item.Sum(attr.KeyBytes(hash))
	}
	return k.item.Sum(attr.KeyBytes(hash), attr.KeyBytes(*rng))
}

// partHash indexes a partition (all items sharing a partition key value).
func (k *tableKeys) partHash(hash attr.Value) string {
	return k.part.Sum(attr.KeyBytes(hash))
}

// partHashOf is the keyed hash of an index partition: of its one partition key value as
// partHash, or of a multi-attribute partition key's values together, each length-prefixed so
// that no two lists of values share an encoding.
func (k *tableKeys) partHashOf(vals []attr.Value) string {
	if len(vals) == 1 {
		return k.partHash(vals[0])
	}
	var b []byte
	for _, v := range vals {
		kb := attr.KeyBytes(v)
		b = binary.AppendUvarint(b, uint64(len(kb)))
		b = append(b, kb...)
	}
	return k.part.Sum(b)
}

// aad binds a ciphertext to its table and its place, so stored items cannot be swapped.
func aad(table, hash string) []byte {
	b := make([]byte, 0, len(table)+1+len(hash))
	b = append(b, table...)
	b = append(b, 0)
	return append(b, hash...)
}

func (s *Service) seal(k *tableKeys, table, hash string, it attr.Item) ([]byte, error) {
	plain, err := it.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("encode item: %w", err)
	}
	// One allocation of the exact size for nonce || ciphertext || tag: the
	// stored slice then carries no spare capacity for as long as the item lives.
	out := make([]byte, nonceSize, nonceSize+len(plain)+k.aead.Overhead())
	copy(out, s.env.Bytes(nonceSize))
	return k.aead.Seal(out, out, plain, aad(table, hash)), nil
}

func open(k *tableKeys, table, hash string, sealed []byte) (attr.Item, error) {
	if len(sealed) < nonceSize {
		return nil, errors.New("stored item too short")
	}
	plain, err := k.aead.Open(nil, sealed[:nonceSize], sealed[nonceSize:], aad(table, hash))
	if err != nil {
		return nil, fmt.Errorf("decrypt stored item: %w", err)
	}
	var it attr.Item
	if err := it.UnmarshalBinary(plain); err != nil {
		return nil, fmt.Errorf("decode stored item: %w", err)
	}
	return it, nil
}

// wrapOwned wraps a table key under the service key; the table's ARN and id are the AAD.
func (s *Service) wrapOwned(tableKey []byte, ad string) ([]byte, error) {
	aead, err := s.ownedAEAD()
	if err != nil {
		return nil, err
	}
	nonce := s.env.Bytes(nonceSize)
	return aead.Seal(nonce, nonce, tableKey, []byte(ad)), nil
}

func (s *Service) unwrapOwned(blob []byte, ad string) ([]byte, error) {
	aead, err := s.ownedAEAD()
	if err != nil {
		return nil, err
	}
	if len(blob) < nonceSize {
		return nil, errors.New("wrapped table key too short")
	}
	return aead.Open(nil, blob[:nonceSize], blob[nonceSize:], []byte(ad))
}

func (s *Service) ownedAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.serviceKey)
	if err != nil {
		return nil, fmt.Errorf("service key: %w", err)
	}
	return cipher.NewGCM(block)
}

// encContext is the encryption context DynamoDB binds every table key to.
func (s *Service) encContext(table string) map[string]string {
	return map[string]string{
		"aws:dynamodb:tableName":    table,
		"aws:dynamodb:subscriberId": s.env.AccountID,
	}
}
