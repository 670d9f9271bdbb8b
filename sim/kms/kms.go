// Package kms is the offline AWS Key Management Service (awsJson1_1,
// X-Amz-Target TrentService.<Op>). It keeps symmetric keys with real AES-256-GCM
// material, enforces key policies with KMS's rule (the key policy must allow,
// directly or by delegating to the account), grants and key states with AWS's
// codes and messages, and offers DynamoDB an API to use keys on a caller's
// behalf, so that the lab's AccessDenied happens for the same reason it does on AWS.
package kms

import (
	"strings"
	"sync"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
)

// Options tunes the service.
type Options struct {
	// PolicyDelay is how long a new key policy takes to be used for
	// authorization (KMS is eventually consistent); GetKeyPolicy shows it at once.
	PolicyDelay time.Duration
	// Lag is KMS's eventual consistency in the realistic mode; its zero
	// value changes nothing.
	Lag Lag
	// Registry links this region's KMS to the account's other regions, for
	// multi-Region keys; nil keeps it alone (ReplicateKey is then refused).
	Registry *Registry
}

// Principals tells whether an IAM principal ARN names something that exists,
// so key policies naming unknown principals are refused as AWS refuses them.
type Principals interface {
	PrincipalExists(arn string) bool
}

// Key states, managers, the default key spec and usage.
const (
	StateEnabled         = "Enabled"
	StateDisabled        = "Disabled"
	StatePendingDeletion = "PendingDeletion"

	ManagerCustomer = "CUSTOMER"
	ManagerAWS      = "AWS"

	specSymmetric     = "SYMMETRIC_DEFAULT"
	usageEncrypt      = "ENCRYPT_DECRYPT"
	originKMS         = "AWS_KMS"
	defaultPolicyName = "default"
)

// Service is the offline KMS of one account and region.
type Service struct {
	env        *api.Env
	az         *authz.Authorizer
	principals Principals
	log        *audit.Log
	opts       Options

	registry *Registry

	mu      sync.Mutex
	keys    map[string]*key // by key id
	order   []string        // key ids in creation order, for ListKeys
	aliases map[string]*alias
	// goneAliases are deleted aliases ListAliases still shows (Options.Lag).
	goneAliases []*goneAlias
}

// key is one KMS key with its material, policy history and grants.
type key struct {
	id          string
	arn         string
	created     time.Time
	description string
	state       string
	manager     string
	deletion    time.Time // when PendingDeletion
	window      int32     // pending window in days
	rotation    bool
	// rotationDays and rotationSince date the next rotation GetKeyRotationStatus reports.
	rotationDays  int32
	rotationSince time.Time
	// spec and usage are the key's KeySpec and KeyUsage. material is the AES-256 key of a
	// SYMMETRIC_DEFAULT key, the HMAC key of an HMAC key, and the PKCS #8 private key of
	// an RSA or ECC key.
	spec, usage string
	material    []byte
	// retired are the symmetric key's earlier materials, oldest first, kept
	// to decrypt what they sealed; rotations are its completed rotations,
	// one per retired material. Both are empty until the key rotates.
	retired   [][]byte
	rotations []rotation
	// multiRegion marks a multi-Region key (its id starts with mrk-); the Registry
	// knows its primary and replicas.
	multiRegion bool
	tags        map[string]string

	policyText string           // what GetKeyPolicy returns
	policy     *policy.Document // the newest policy
	prevPolicy *policy.Document // the policy authorization still uses until policySet+delay
	policySet  time.Time
	policyLag  time.Duration // the realistic mode's delay for this policy (Options.Lag); 0: PolicyDelay

	grants []*grant
	gone   []*goneGrant // retired or revoked, still seen for a while (Options.Lag)
}

type alias struct {
	name    string
	keyID   string
	created time.Time
	updated time.Time
}

type grant struct {
	id          string
	tokens      []string // CreateGrant returns a new token each time, all valid
	name        string
	keyID       string
	grantee     string
	retiring    string
	issuer      string // account id
	ops         []string
	created     time.Time
	effective   time.Time // before then only a request with one of tokens may use it (Options.Lag)
	ctxSubset   map[string]string
	ctxEquals   map[string]string
	constraints bool
}

// New returns an empty KMS.
func New(env *api.Env, az *authz.Authorizer, principals Principals, log *audit.Log, opts Options) *Service {
	reg := opts.Registry
	if reg == nil {
		reg = NewRegistry(nil)
	}
	return &Service{
		registry:   reg,
		env:        env,
		az:         az,
		principals: principals,
		log:        log,
		opts:       opts,
		keys:       map[string]*key{},
		aliases:    map[string]*alias{},
	}
}

// Handlers maps each TrentService operation to its handler.
func (s *Service) Handlers() map[string]api.JSONHandler {
	return map[string]api.JSONHandler{
		"CreateKey":                           s.createKey,
		"DescribeKey":                         s.describeKey,
		"ListKeys":                            s.listKeys,
		"ListAliases":                         s.listAliases,
		"CreateAlias":                         s.createAlias,
		"DeleteAlias":                         s.deleteAlias,
		"UpdateAlias":                         s.updateAlias,
		"GetKeyPolicy":                        s.getKeyPolicy,
		"PutKeyPolicy":                        s.putKeyPolicy,
		"ListKeyPolicies":                     s.listKeyPolicies,
		"Encrypt":                             s.encrypt,
		"Decrypt":                             s.decrypt,
		"ReEncrypt":                           s.reEncrypt,
		"GenerateDataKey":                     s.generateDataKey,
		"GenerateDataKeyWithoutPlaintext":     s.generateDataKeyWithoutPlaintext,
		"EnableKey":                           s.enableKey,
		"DisableKey":                          s.disableKey,
		"ScheduleKeyDeletion":                 s.scheduleKeyDeletion,
		"CancelKeyDeletion":                   s.cancelKeyDeletion,
		"EnableKeyRotation":                   s.enableKeyRotation,
		"DisableKeyRotation":                  s.disableKeyRotation,
		"GetKeyRotationStatus":                s.getKeyRotationStatus,
		"RotateKeyOnDemand":                   s.rotateKeyOnDemand,
		"ListKeyRotations":                    s.listKeyRotations,
		"TagResource":                         s.tagResource,
		"UntagResource":                       s.untagResource,
		"ListResourceTags":                    s.listResourceTags,
		"CreateGrant":                         s.createGrant,
		"ListGrants":                          s.listGrants,
		"RetireGrant":                         s.retireGrant,
		"RevokeGrant":                         s.revokeGrant,
		"ListRetirableGrants":                 s.listRetirableGrants,
		"UpdateKeyDescription":                s.updateKeyDescription,
		"GenerateRandom":                      s.generateRandom,
		"GenerateDataKeyPair":                 s.generateDataKeyPair,
		"GenerateDataKeyPairWithoutPlaintext": s.generateDataKeyPairWithoutPlaintext,
		"Sign":                                s.sign,
		"Verify":                              s.verify,
		"GetPublicKey":                        s.getPublicKey,
		"GenerateMac":                         s.generateMac,
		"VerifyMac":                           s.verifyMac,
		"ReplicateKey":                        s.replicateKey,
		"UpdatePrimaryRegion":                 s.updatePrimaryRegion,
	}
}

func (s *Service) keyARN(id string) string {
	return "arn:aws:kms:" + s.env.Region + ":" + s.env.AccountID + ":key/" + id
}

func (s *Service) aliasARN(name string) string {
	return "arn:aws:kms:" + s.env.Region + ":" + s.env.AccountID + ":" + name
}

// purge forgets keys whose deletion date has passed, with their aliases and
// grants, as KMS does when the waiting period ends. Callers hold s.mu.
func (s *Service) purge() {
	now := s.env.Now()
	for id, k := range s.keys {
		if k.state == StatePendingDeletion && !now.Before(k.deletion) {
			delete(s.keys, id)
			if k.multiRegion {
				s.registry.leave(id, s.env.Region)
			}
			for name, a := range s.aliases {
				if a.keyID == id {
					delete(s.aliases, name)
				}
			}
		}
	}
	if len(s.order) != len(s.keys) {
		kept := s.order[:0]
		for _, id := range s.order {
			if _, ok := s.keys[id]; ok {
				kept = append(kept, id)
			}
		}
		s.order = kept
	}
}

// isKeyID reports whether ref looks like a key id (a UUID, or mrk- and 32 hex digits).
func isKeyID(ref string) bool {
	if isMRKID(ref) {
		return true
	}
	if len(ref) != 36 {
		return false
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// resolve finds the key named by a key id, key ARN, alias name or alias ARN.
// allowAlias is false for the operations AWS only lets name a key by id or ARN.
// Callers hold s.mu.
func (s *Service) resolve(ref string, allowAlias bool) (*key, error) {
	s.purge()
	arnPrefix := "arn:aws:kms:" + s.env.Region + ":" + s.env.AccountID + ":"
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		if !strings.HasPrefix(ref, arnPrefix) {
			if strings.Contains(ref, ":alias/") && allowAlias {
				return nil, errNotFound("Alias %s is not found.", ref)
			}
			if strings.Contains(ref, ":key/") {
				return nil, errNotFound("Key '%s' does not exist", ref)
			}
			return nil, errNotFound("Invalid arn %s", ref)
		}
		name = strings.TrimPrefix(ref, arnPrefix)
		switch {
		case strings.HasPrefix(name, "alias/") && allowAlias:
		case strings.HasPrefix(name, "key/"):
			name = strings.TrimPrefix(name, "key/")
			if !isKeyID(name) {
				return nil, errNotFound("Invalid keyId %s", ref)
			}
		default:
			return nil, errNotFound("Invalid keyId %s", ref)
		}
	}
	if strings.HasPrefix(name, "alias/") {
		if !allowAlias {
			return nil, errNotFound("Invalid keyId %s", ref)
		}
		a, ok := s.aliases[name]
		if !ok {
			return nil, errNotFound("Alias %s is not found.", s.aliasARN(name))
		}
		k, ok := s.keys[a.keyID]
		if !ok {
			return nil, errNotFound("Alias %s is not found.", s.aliasARN(name))
		}
		return k, nil
	}
	if !isKeyID(name) {
		return nil, errNotFound("Invalid keyId %s", ref)
	}
	k, ok := s.keys[strings.ToLower(name)]
	if !ok {
		return nil, errNotFound("Key '%s' does not exist", s.keyARN(name))
	}
	return k, nil
}

// requireUsable enforces the key state for cryptographic operations.
func requireUsable(k *key) error {
	switch k.state {
	case StateDisabled:
		return errDisabled(k)
	case StatePendingDeletion:
		return errPendingDeletion(k)
	}
	return nil
}

// requireNotPending refuses operations AWS forbids on keys pending deletion.
func requireNotPending(k *key) error {
	if k.state == StatePendingDeletion {
		return errPendingDeletion(k)
	}
	return nil
}
