package dynamodb

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"

	"kmslab/sim/api"
	"kmslab/sim/authz"
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
	item []byte // HMAC key for item hashes
	part []byte // HMAC key for partition hashes
	gen  uint64 // the table key generation they belong to
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
	return &tableKeys{aead: aead, item: derive(tableKey, labelItemIndex), part: derive(tableKey, labelPartIndex), gen: gen}, nil
}

func keyedHash(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// itemHash indexes an item: HMAC(item key, KeyBytes(hash) || KeyBytes(range)).
func (k *tableKeys) itemHash(hash attr.Value, rng *attr.Value) []byte {
	if rng == nil {
		return keyedHash(k.item, attr.KeyBytes(hash))
	}
	return keyedHash(k.item, attr.KeyBytes(hash), attr.KeyBytes(*rng))
}

// partHash indexes a partition (all items sharing a partition key value).
func (k *tableKeys) partHash(hash attr.Value) []byte { return keyedHash(k.part, attr.KeyBytes(hash)) }

// aad binds a ciphertext to its table and its place, so stored items cannot be swapped.
func aad(table string, hash []byte) []byte {
	b := make([]byte, 0, len(table)+1+len(hash))
	b = append(b, table...)
	b = append(b, 0)
	return append(b, hash...)
}

func (s *Service) seal(k *tableKeys, table string, hash []byte, it attr.Item) ([]byte, error) {
	plain, err := it.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("encode item: %w", err)
	}
	nonce := s.env.Bytes(nonceSize)
	return k.aead.Seal(nonce, nonce, plain, aad(table, hash)), nil
}

func open(k *tableKeys, table string, hash, sealed []byte) (attr.Item, error) {
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

type cacheKey struct {
	tableID   string
	gen       uint64
	principal string
}

type cacheEntry struct {
	keys    *tableKeys
	expires int64 // env clock, unix nanoseconds
}

// tableKeysFor returns the working keys of t for the caller of ctx. Tables on a KMS key
// need the table key decrypted as the caller, through KMS (with kms:ViaService), unless this
// principal's cached copy is still fresh; a denial is never cached.
func (s *Service) tableKeysFor(ctx context.Context, t *table) (*tableKeys, error) {
	t.mu.Lock()
	blob, gen, sse, name, id, arn := t.wrappedKey, t.gen, t.sse, t.name, t.id, t.arn
	t.mu.Unlock()

	if sse.kind == sseOwned {
		tk, err := s.unwrapOwned(blob, arn+"/"+id)
		if err != nil {
			return nil, fmt.Errorf("unwrap owned table key: %w", err)
		}
		return newTableKeys(tk, gen)
	}

	caller := api.CallerFrom(ctx)
	principal := ""
	if caller != nil {
		principal = caller.ARN
	}
	ck := cacheKey{tableID: id, gen: gen, principal: principal}
	now := s.env.Now().UnixNano()
	if s.opts.KeyCacheTTL > 0 {
		s.cacheMu.Lock()
		e, ok := s.cache[ck]
		if ok && now < e.expires {
			s.cacheMu.Unlock()
			return e.keys, nil
		}
		delete(s.cache, ck)
		s.cacheMu.Unlock()
	}
	if s.keys == nil {
		return nil, errors.New("no KMS configured")
	}
	tk, err := s.keys.DecryptFor(ctx, caller, blob, s.encContext(name), s.via)
	if err != nil {
		return nil, s.kmsAccessError(err)
	}
	keys, err := newTableKeys(tk, gen)
	clear(tk)
	if err != nil {
		return nil, err
	}
	if s.opts.KeyCacheTTL > 0 {
		s.cacheMu.Lock()
		s.cache[ck] = cacheEntry{keys: keys, expires: now + int64(s.opts.KeyCacheTTL)}
		s.cacheMu.Unlock()
	}
	return keys, nil
}

// forget drops every cached key of a table (its key changed or it was deleted).
func (s *Service) forget(tableID string) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	for k := range s.cache {
		if k.tableID == tableID {
			delete(s.cache, k)
		}
	}
}

// kmsCode extracts the KMS error code and message of err.
func kmsCode(err error) (code, msg string, ok bool) {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Message, true
	}
	var d *authz.Denied
	if errors.As(err, &d) {
		return "AccessDeniedException", d.Message, true
	}
	return "", "", false
}

// kmsFrame renders a KMS error the way DynamoDB (a Java service) quotes it.
func (s *Service) kmsFrame(prefix, code, msg string) string {
	class := code
	if code == "AccessDeniedException" {
		class = "AWSKMSException" // the Java SDK has no modelled class for it
	}
	return fmt.Sprintf("%s: com.amazonaws.services.kms.model.%s: %s (Service: AWSKMS; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)",
		prefix, class, msg, code, s.env.UUID())
}

// kmsAccessError turns a KMS failure on the data plane into DynamoDB's answer.
func (s *Service) kmsAccessError(err error) error {
	code, msg, ok := kmsCode(err)
	if !ok {
		return fmt.Errorf("kms: %w", err)
	}
	text := s.kmsFrame("KMS key access denied error", code, msg)
	if code == "AccessDeniedException" {
		return api.BadRequest("AccessDeniedException", "%s", text)
	}
	return api.BadRequest("ValidationException", "%s", text)
}

// kmsValidationError turns a KMS failure while creating or updating a table into DynamoDB's answer.
func (s *Service) kmsValidationError(err error) error {
	code, msg, ok := kmsCode(err)
	if !ok {
		return fmt.Errorf("kms: %w", err)
	}
	if code == "AccessDeniedException" {
		return api.BadRequest("AccessDeniedException", "%s", s.kmsFrame("KMS key access denied error", code, msg))
	}
	return &api.Error{Code: "ValidationException", Message: s.kmsFrame("KMS validation error", code, msg), Status: http.StatusBadRequest, Sender: true}
}
