package dynamodb

import (
	"context"
	"errors"
	"fmt"

	"kmslab/sim/api"
)

type cacheKey struct {
	tableID   string
	gen       uint64
	principal string
}

type cacheEntry struct {
	keys    *tableKeys
	expires int64 // env clock, unix nanoseconds: last use plus the TTL
}

// tableKeysFor returns the working keys of t for the caller of ctx. Tables on a KMS key
// need the table key decrypted as the caller, through KMS (with kms:ViaService), unless this
// principal's cached copy is still in use; a denial is never cached.
//
// The cache follows AWS's description of DynamoDB encryption at rest ("How Amazon DynamoDB
// uses AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html,
// "Table key"; and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html):
// DynamoDB keeps the plaintext table key in memory for each principal and calls KMS again only
// when a request comes after five minutes of inactivity. So the entry's life is measured from
// its last use, not from the Decrypt that filled it: a caller who keeps reading keeps the key,
// and a revoked caller is refused only once they have been idle for the TTL.
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

	if s.opts.Recovery != nil {
		t.mu.Lock()
		err := s.stillInaccessible(t)
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
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
			e.expires = now + int64(s.opts.KeyCacheTTL)
			s.cache[ck] = e
			s.cacheMu.Unlock()
			return e.keys, nil
		}
		delete(s.cache, ck)
		s.cacheMu.Unlock()
	}
	if s.keys == nil {
		return nil, errors.New("no KMS configured")
	}
	tk, kerr := s.keys.DecryptFor(ctx, caller, blob, s.encContext(name), s.via)
	var answer error
	if kerr != nil {
		answer = s.kmsAccessError(kerr)
	}
	if s.opts.Recovery != nil {
		t.mu.Lock()
		answer = s.sawKey(t, kerr, answer)
		t.mu.Unlock()
	}
	if answer != nil {
		clear(tk)
		return nil, answer
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
