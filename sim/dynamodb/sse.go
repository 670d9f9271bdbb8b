package dynamodb

import (
	"context"
	"errors"

	"kmslab/sim/api"
	"kmslab/sim/kms"
)

type sseSpecification struct {
	Enabled        *bool   `json:"Enabled"`
	SSEType        string  `json:"SSEType"`
	KMSMasterKeyID *string `json:"KMSMasterKeyId"`
}

// grantOps are the operations DynamoDB's grant on a table's key allows the service itself.
var grantOps = []string{"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "RetireGrant", "DescribeKey"}

const managedAlias = "alias/aws/dynamodb"

// resolveSSE finds the key an SSESpecification asks for and, for a KMS key, checks it and
// creates DynamoDB's grant on behalf of the caller, as CreateTable and UpdateTable do on AWS.
func (s *Service) resolveSSE(ctx context.Context, spec *sseSpecification) (sseState, error) {
	if spec == nil || spec.Enabled == nil || !*spec.Enabled {
		if spec != nil && spec.KMSMasterKeyID != nil && *spec.KMSMasterKeyID != "" {
			return sseState{}, validationErr("One or more parameter values were invalid: KMSMasterKeyId can only be specified when SSE is enabled")
		}
		return sseState{kind: sseOwned}, nil
	}
	var v validation
	v.enum("sSESpecification.sSEType", spec.SSEType, "AES256", "KMS")
	if err := v.err(); err != nil {
		return sseState{}, err
	}
	if spec.SSEType == "AES256" {
		return sseState{}, validationErr("One or more parameter values were invalid: SSEType AES256 is not supported; use KMS")
	}
	if s.keys == nil {
		return sseState{}, errors.New("no KMS configured")
	}
	caller := api.CallerFrom(ctx)
	var (
		info kms.KeyInfo
		err  error
		kind = sseCMK
	)
	if spec.KMSMasterKeyID == nil || *spec.KMSMasterKeyID == "" {
		kind = sseManaged
		info, err = s.keys.AWSManagedKey(ctx, managedAlias, "Default master key that protects my DynamoDB tables when no other key is defined")
	} else {
		info, err = s.keys.DescribeKeyFor(ctx, caller, *spec.KMSMasterKeyID, s.via)
	}
	if err != nil {
		return sseState{}, s.kmsValidationError(err)
	}
	switch info.State {
	case "Enabled":
	case "Disabled":
		return sseState{}, s.kmsValidationError(api.BadRequest("DisabledException", "%s is disabled.", info.ARN))
	case "PendingDeletion":
		return sseState{}, s.kmsValidationError(api.BadRequest("KMSInvalidStateException", "%s is pending deletion.", info.ARN))
	default:
		return sseState{}, s.kmsValidationError(api.BadRequest("KMSInvalidStateException", "%s is %s.", info.ARN, info.State))
	}
	grant, err := s.keys.CreateGrantFor(ctx, caller, info.ARN, s.via, grantOps, s.via)
	if err != nil {
		return sseState{}, s.kmsValidationError(err)
	}
	return sseState{kind: kind, keyARN: info.ARN, grant: grant}, nil
}

// newTableKey makes a table key for sse and returns only its wrapped form.
func (s *Service) newTableKey(ctx context.Context, sse sseState, name, arn, id string) ([]byte, error) {
	if sse.kind == sseOwned {
		tk := s.env.Bytes(tableKeyBytes)
		defer clear(tk)
		return s.wrapOwned(tk, arn+"/"+id)
	}
	plain, blob, err := s.keys.GenerateDataKeyFor(ctx, api.CallerFrom(ctx), sse.keyARN, s.encContext(name), s.via)
	if err != nil {
		return nil, s.kmsValidationError(err)
	}
	clear(plain)
	return blob, nil
}

// rekey moves a table to the key an SSESpecification names: the current table key is
// decrypted as the caller, every item is re-encrypted under a fresh table key from the new
// KMS key, and cached keys are dropped.
func (s *Service) rekey(ctx context.Context, t *table, spec *sseSpecification) error {
	sse, err := s.resolveSSE(ctx, spec)
	if err != nil {
		return err
	}
	t.mu.Lock()
	same := t.sse.sameKey(sse)
	t.mu.Unlock()
	if same {
		s.retireGrant(ctx, sse) // the table keeps the grant it has
		return nil
	}
	oldKeys, err := s.tableKeysFor(ctx, t)
	if err != nil {
		return err
	}
	wrapped, err := s.newTableKey(ctx, sse, t.name, t.arn, t.id)
	if err != nil {
		return err
	}
	// The new table key is needed in plaintext once, to re-encrypt: unwrap it the way
	// a data-plane request would.
	next := &table{name: t.name, arn: t.arn, id: t.id, sse: sse, wrappedKey: wrapped, gen: oldKeys.gen + 1}
	newKeys, err := s.tableKeysFor(ctx, next)
	if err != nil {
		return err
	}
	s.forget(t.id)

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.gen != oldKeys.gen || t.deleted {
		return errTableInUse("updated", t.name)
	}
	parts := newPartitions()
	err = t.items.each(func(_ string, st *stored) error {
		it, err := open(oldKeys, t.name, st.hash, st.sealed)
		if err != nil {
			return err
		}
		h, r := t.keyValues(it)
		nh := newKeys.itemHash(h, r)
		sealed, err := s.seal(newKeys, t.name, nh, it)
		if err != nil {
			return err
		}
		parts.put(newKeys.partHash(h), &stored{hash: nh, sealed: sealed, size: st.size})
		return nil
	})
	if err != nil {
		return err
	}
	t.items = parts
	for _, ix := range t.indexes {
		ix.members = nil // item hashes changed with the key: counted again on next use
	}
	old := t.sse
	t.sse, t.wrappedKey, t.gen = sse, wrapped, oldKeys.gen+1
	s.forget(t.id)
	s.retireGrant(ctx, old)
	return nil
}

// retireGrant retires the grant DynamoDB took on a table's key, once the
// table is deleted or has moved to another key, as DynamoDB does with the
// grants it creates (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS",
// the grants section: the grant is retired when the table is deleted).
func (s *Service) retireGrant(ctx context.Context, sse sseState) {
	if sse.grant == "" || s.keys == nil {
		return
	}
	_ = s.keys.RetireGrantFor(ctx, api.CallerFrom(ctx), sse.keyARN, sse.grant, s.via)
}
