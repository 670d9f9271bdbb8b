package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/audit"
)

// KeyInfo is what a service acting for a caller learns about a key.
type KeyInfo struct {
	KeyID   string
	ARN     string
	State   string // Enabled, Disabled, PendingDeletion
	Manager string // CUSTOMER or AWS
}

func info(k *key) KeyInfo {
	return KeyInfo{KeyID: k.id, ARN: k.arn, State: k.state, Manager: k.manager}
}

// The methods below are how DynamoDB uses KMS on a caller's behalf. Each is
// authorized as the caller with kms:ViaService = via (e.g.
// dynamodb.us-east-1.amazonaws.com) and kms:CallerAccount, exactly like a
// direct call plus those keys, and is recorded in the audit trail as its own
// event invoked by the service. Errors are *api.Error with KMS's codes and
// messages (AccessDeniedException, DisabledException, KMSInvalidStateException,
// NotFoundException, InvalidCiphertextException) for the service to wrap.

// onBehalf is the call a service (via) makes to KMS for caller: it is
// authorized as caller with kms:ViaService set, and audited as its own event.
func onBehalf(caller *api.Principal, via string) *api.Request {
	return &api.Request{Service: "kms", Principal: caller, Via: via}
}

// DescribeKeyFor resolves keyRef (key id, key ARN, alias name or alias ARN)
// and authorizes kms:DescribeKey for caller.
func (s *Service) DescribeKeyFor(ctx context.Context, caller *api.Principal, keyRef, via string) (KeyInfo, error) {
	req := onBehalf(caller, via)
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.openKey(ctx, req, keyRef, keyAccess{action: "kms:DescribeKey", alias: true})
	s.record(req, "DescribeKey", err)
	if err != nil {
		return KeyInfo{}, err
	}
	return info(k), nil
}

// AWSManagedKey returns the AWS managed key behind aliasName (alias/aws/<service>),
// creating it with AWS's managed-key policy on first use, as services do when a
// resource asks for the AWS managed key.
func (s *Service) AWSManagedKey(ctx context.Context, aliasName, description string) (KeyInfo, error) {
	service, ok := strings.CutPrefix(aliasName, "alias/aws/")
	if !ok || service == "" || strings.ContainsRune(service, '/') {
		return KeyInfo{}, api.BadRequest("ValidationException", "%s is not an AWS managed key alias", aliasName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purge()
	k, err := s.managedKey(aliasName, service, description)
	if err != nil {
		return KeyInfo{}, err
	}
	return info(k), nil
}

// managedKey returns the key behind the AWS managed alias aliasName of
// service, creating it on first use. Callers hold s.mu and have purged.
func (s *Service) managedKey(aliasName, service, description string) (*key, error) {
	if al, ok := s.aliases[aliasName]; ok {
		if k, ok := s.keys[al.keyID]; ok {
			return k, nil
		}
	}
	text := managedPolicy(service, s.env.AccountID, s.env.Region)
	doc, err := policy.ParseResource([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("managed key policy for %s: %w", aliasName, err)
	}
	k := s.addKey(s.env.UUID(), ManagerAWS, description, text, doc)
	now := s.env.Now()
	s.aliases[aliasName] = &alias{name: aliasName, keyID: k.id, created: now, updated: now}
	return k, nil
}

// CreateGrantFor creates a grant on keyARN for grantee, as the service does
// for a caller creating a resource (kms:GrantIsForAWSResource is true).
func (s *Service) CreateGrantFor(ctx context.Context, caller *api.Principal, keyARN, grantee string, ops []string, via string) (string, error) {
	req := onBehalf(caller, via)
	r := grantRequest{grantee: grantee, retiring: grantee, ops: ops, forAWSResource: true}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.openKey(ctx, req, keyARN, keyAccess{action: "kms:CreateGrant", alias: true, state: requireUsable, extra: r.conditions()})
	var id string
	if err == nil {
		id, _, err = s.addGrant(caller, k, r)
	}
	s.record(req, "CreateGrant", err)
	return id, err
}

// RetireGrantFor retires the grant a service made for a resource of its own
// (DynamoDB's on a table's key, when the table is deleted). The service is
// the grant's retiring principal, so no policy is asked; a grant or key gone
// already is not an error.
func (s *Service) RetireGrantFor(_ context.Context, caller *api.Principal, keyARN, grantID, via string) error {
	req := onBehalf(caller, via)
	req.Resources = []string{keyARN}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.resolve(keyARN, false)
	if err != nil {
		return nil
	}
	_, idx, err := findGrant(k, grantID)
	if err != nil {
		return nil
	}
	s.removeGrant(k, idx)
	s.record(req, "RetireGrant", nil)
	return nil
}

// GenerateDataKeyFor returns a 256-bit data key and its encryption under
// keyARN with the encryption context.
func (s *Service) GenerateDataKeyFor(ctx context.Context, caller *api.Principal, keyARN string, encCtx map[string]string, via string) (plaintext, blob []byte, err error) {
	req := onBehalf(caller, via)
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.openKey(ctx, req, keyARN, keyAccess{action: "kms:GenerateDataKey", alias: true, state: requireUsage("GenerateDataKey", usageEncrypt, true), encCtx: encCtx})
	if err == nil {
		plaintext, blob, err = s.dataKey(k, 32, encCtx)
	}
	s.record(req, "GenerateDataKey", err)
	return plaintext, blob, err
}

// DecryptFor decrypts blob (which names its key) as caller.
func (s *Service) DecryptFor(ctx context.Context, caller *api.Principal, blob []byte, encCtx map[string]string, via string) ([]byte, error) {
	req := onBehalf(caller, via)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, pt, err := s.decryptAs(ctx, req, "kms:Decrypt", blob, encCtx, nil, nil, false, nil)
	s.record(req, "Decrypt", err)
	return pt, err
}

// record writes the audit event of a call a service made for a caller, the
// way CloudTrail shows it: the caller's identity, invokedBy the service.
func (s *Service) record(req *api.Request, op string, err error) {
	if s.log == nil {
		return
	}
	invokedBy := req.Via
	if i := strings.IndexByte(invokedBy, '.'); i > 0 {
		invokedBy = invokedBy[:i] + ".amazonaws.com"
	}
	ev := audit.Event{
		Time:      s.env.Now(),
		Source:    "kms.amazonaws.com",
		Name:      op,
		Region:    s.env.Region,
		Identity:  audit.IdentityOf(req.Principal),
		Decision:  req.Decision,
		RequestID: s.env.UUID(),
		Resources: req.Resources,
		SourceIP:  invokedBy,
		UserAgent: invokedBy,
	}
	ev.Identity.InvokedBy = invokedBy
	if err != nil {
		var ae *api.Error
		if errors.As(err, &ae) {
			ev.ErrorCode, ev.ErrorMessage = ae.Code, ae.Message
		} else {
			ev.ErrorCode, ev.ErrorMessage = "InternalFailure", err.Error()
		}
	}
	s.log.Record(ev)
}
