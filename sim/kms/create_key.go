package kms

import (
	"context"
	"fmt"

	"kmslab/policy"
	"kmslab/sim/api"
)

type createKeyInput struct {
	Policy                         *string
	Description                    *string
	KeyUsage                       *string
	CustomerMasterKeySpec          *string
	KeySpec                        *string
	Origin                         *string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []tag
	MultiRegion                    *bool
}

func (in *createKeyInput) validate() error {
	var v validation
	v.str("policy", in.Policy, false, 1, 131072)
	v.pattern("policy", in.Policy, policyChar, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	v.str("description", in.Description, false, 0, 8192)
	v.enum("keyUsage", in.KeyUsage, usages...)
	v.enum("customerMasterKeySpec", in.CustomerMasterKeySpec, cmkSpecs...)
	v.enum("keySpec", in.KeySpec, keySpecs...)
	v.enum("origin", in.Origin, origins...)
	validateTags(&v, in.Tags)
	return v.err()
}

var (
	keySpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
		"ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
		"ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519"}
	cmkSpecs = keySpecs[:13]
	usages   = []string{"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"}
	origins  = []string{"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}
)

// createKey creates a key of any spec the Go standard library can implement
// (symmetric, RSA, ECC NIST, HMAC). The others are refused with
// UnsupportedOperationException rather than accepted as keys that could not be used.
func (s *Service) createKey(ctx context.Context, body []byte) (any, error) {
	in, err := decode[createKeyInput](body)
	if err != nil {
		return nil, err
	}
	if err := reservedTag(in.Tags); err != nil {
		return nil, err
	}
	if err := s.requireIAM(ctx, "kms:CreateKey", "*"); err != nil {
		return nil, err
	}
	spec := specSymmetric
	switch {
	case in.KeySpec != nil && in.CustomerMasterKeySpec != nil:
		return nil, api.BadRequest("ValidationException", "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
	case in.KeySpec != nil:
		spec = *in.KeySpec
	case in.CustomerMasterKeySpec != nil:
		spec = *in.CustomerMasterKeySpec
	}
	usage, err := checkSpec(spec, in.KeyUsage)
	if err != nil {
		return nil, err
	}
	var material []byte
	if gen := specs[spec].generate; gen != nil {
		// Made before taking the lock: an RSA_4096 key takes a while.
		if material, err = gen(); err != nil {
			return nil, fmt.Errorf("create %s key: %w", spec, err)
		}
	}
	if in.Origin != nil && *in.Origin != originKMS {
		return nil, api.BadRequest("UnsupportedOperationException", "Origin %s is not supported by this offline KMS: only AWS_KMS is implemented.", *in.Origin)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.env.UUID()
	if isTrue(in.MultiRegion) {
		id = s.newMRKID()
	}
	arn := s.keyARN(id)
	if len(in.Tags) > 0 {
		// AWS asks for kms:TagResource when CreateKey carries tags.
		if err := s.requireIAM(ctx, "kms:TagResource", arn); err != nil {
			return nil, err
		}
	}
	text := defaultPolicy(s.env.AccountID)
	var doc *policy.Document
	if in.Policy != nil {
		text = *in.Policy
		doc, err = s.checkPolicy(ctx, api.CallerFrom(ctx), arn, text, in.BypassPolicyLockoutSafetyCheck)
	} else {
		doc, err = policy.ParseResource([]byte(text))
	}
	if err != nil {
		return nil, err
	}
	k := s.addKey(id, ManagerCustomer, deref(in.Description), text, doc)
	if material != nil {
		k.spec, k.usage, k.material, k.rotation = spec, usage, material, false
	}
	if isTrue(in.MultiRegion) {
		k.multiRegion = true
		s.registry.join(id, s.env.Region, s.env.Region)
	}
	for _, t := range in.Tags {
		k.tags[*t.TagKey] = *t.TagValue
	}
	if req := api.RequestFrom(ctx); req != nil {
		req.Touch(arn)
	}
	return map[string]any{"KeyMetadata": s.metadata(k)}, nil
}

// addKey stores a new enabled key with fresh material. Callers hold s.mu.
func (s *Service) addKey(id, manager, description, policyText string, doc *policy.Document) *key {
	k := &key{
		id:          id,
		arn:         s.keyARN(id),
		created:     s.env.Now(),
		description: description,
		state:       StateEnabled,
		manager:     manager,
		spec:        specSymmetric,
		usage:       usageEncrypt,
		material:    s.env.Bytes(32),
		tags:        map[string]string{},
		rotation:    manager == ManagerAWS,
	}
	s.setPolicy(k, policyText, doc)
	s.keys[id] = k
	s.order = append(s.order, id)
	return k
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
