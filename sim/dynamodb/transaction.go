package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
)

// Limits of DynamoDB transactions.
const (
	maxTransactItems = 100
	maxTxTokenLen    = 36
	// txTokenTTL is how long a ClientRequestToken makes a TransactWriteItems idempotent.
	txTokenTTL = 10 * time.Minute
)

// transactItems checks how many items a transaction has, read or write.
func (v *validation) transactItems(null bool, n int) {
	switch {
	case null:
		v.add("Value null at 'transactItems' failed to satisfy constraint: Member must not be null")
	case n == 0:
		v.add("Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case n > maxTransactItems:
		v.add("Value '[%d items]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to %d", n, maxTransactItems)
	}
}

const msgTxSameItem = "Transaction request cannot include multiple operations on one item"

// txTarget is one item a transaction touches, for the duplicate check.
type txTarget struct {
	table string
	key   string
}

func targetOf(t *table, h attr.Value, r *attr.Value) txTarget {
	id := string(attr.KeyBytes(h))
	if r != nil {
		id += "\x00" + string(attr.KeyBytes(*r))
	}
	return txTarget{table: t.name, key: id}
}

// withTablesKeys runs f with the working keys of every table, obtained as the caller, all
// tables locked (in name order, so two transactions cannot deadlock). If a table was re-keyed
// between obtaining its key and locking it, everything is done again.
func (s *Service) withTablesKeys(ctx context.Context, tables []*table, f func(keys map[*table]*tableKeys) error) error {
	seen := map[*table]bool{}
	var list []*table
	for _, t := range tables {
		if !seen[t] {
			seen[t] = true
			list = append(list, t)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	for range 3 {
		keys := map[*table]*tableKeys{}
		for _, t := range list {
			k, err := s.tableKeysFor(ctx, t)
			if err != nil {
				return err
			}
			keys[t] = k
		}
		for _, t := range list {
			t.mu.Lock()
		}
		unlock := func() {
			for _, t := range list {
				t.mu.Unlock()
			}
		}
		stale := false
		for _, t := range list {
			if t.deleted {
				unlock()
				return errNoTable()
			}
			stale = stale || t.gen != keys[t].gen
		}
		if stale {
			unlock()
			continue
		}
		var err error
		for _, t := range list {
			if err == nil {
				err = t.countIndexes(keys[t])
			}
		}
		if err == nil {
			err = f(keys)
		}
		unlock()
		return err
	}
	return errTableInUse("updated", list[0].name)
}

// cancellationReason is one entry of TransactionCanceledException's CancellationReasons.
type cancellationReason struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message,omitempty"`
	Item    attr.Item `json:"Item,omitempty"`
}

// errTxCanceled is DynamoDB's TransactionCanceledException: one reason per action, in order,
// "None" for the actions that would have succeeded.
func errTxCanceled(reasons []cancellationReason) error {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	e := api.BadRequest("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", strings.Join(codes, ", "))
	e.Fields = map[string]any{"CancellationReasons": reasons}
	return e
}

// txRecord is a TransactWriteItems that succeeded with a ClientRequestToken.
type txRecord struct {
	digest [32]byte
	at     time.Time
	out    any
}

// txTokens remembers the ClientRequestTokens of successful transactions for txTokenTTL.
type txTokens struct {
	m map[string]txRecord
}

// digestOf fingerprints a decoded request (maps marshal in key order, so equal requests
// have equal digests whatever order their members came in).
func digestOf(in any) [32]byte {
	b, _ := json.Marshal(in)
	return sha256.Sum256(b)
}

// replay looks a token up: the earlier answer if the same request succeeded with it within
// the window, IdempotentParameterMismatchException if another request did. Callers hold s.mu.
func (tt *txTokens) replay(token string, digest [32]byte, now time.Time) (any, bool, error) {
	for k, r := range tt.m {
		if now.Sub(r.at) >= txTokenTTL {
			delete(tt.m, k)
		}
	}
	r, ok := tt.m[token]
	if !ok {
		return nil, false, nil
	}
	if r.digest != digest {
		return nil, false, api.BadRequest("IdempotentParameterMismatchException", "Specified idempotency token was used with different request parameters")
	}
	return r.out, true, nil
}

func (tt *txTokens) record(token string, digest [32]byte, now time.Time, out any) {
	if tt.m == nil {
		tt.m = map[string]txRecord{}
	}
	tt.m[token] = txRecord{digest: digest, at: now, out: out}
}
