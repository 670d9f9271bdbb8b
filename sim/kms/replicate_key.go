package kms

import (
	"context"

	"kmslab/policy"
	"kmslab/sim/api"
)

type replicateKeyInput struct {
	KeyId                          *string
	ReplicaRegion                  *string
	Policy                         *string
	BypassPolicyLockoutSafetyCheck bool
	Description                    *string
	Tags                           []tag
}

func (in *replicateKeyInput) keyID() *string { return in.KeyId }

func (in *replicateKeyInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.str("replicaRegion", in.ReplicaRegion, true, 1, 32)
	if in.ReplicaRegion != nil && *in.ReplicaRegion != "" && !regionPattern().MatchString(*in.ReplicaRegion) {
		v.add("Value '%s' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$", *in.ReplicaRegion)
	}
	v.str("policy", in.Policy, false, 1, 131072)
	v.pattern("policy", in.Policy, policyChar, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	v.str("description", in.Description, false, 0, 8192)
	validateTags(&v, in.Tags)
	return v.err()
}

// replicateKey makes a replica of a multi-Region primary key in another region: the same
// key id, material, spec and usage, with its own policy, description and tags, which are
// not shared (API_ReplicateKey.html). It asks kms:ReplicateKey of the primary's key policy,
// and kms:CreateKey (and kms:TagResource for tags) in the replica's region of IAM.
func (s *Service) replicateKey(ctx context.Context, body []byte) (any, error) {
	var (
		in   *replicateKeyInput
		orig key
	)
	_, err := keyOp(ctx, s, body, keyAccess{action: "kms:ReplicateKey", state: requireNotPending}, func(i *replicateKeyInput, k *key) (any, error) {
		if !k.multiRegion {
			return nil, api.BadRequest("UnsupportedOperationException", "%s is not a multi-Region key.", k.arn)
		}
		if primary, _ := s.registry.members(k.id); primary != s.env.Region {
			return nil, api.BadRequest("UnsupportedOperationException", "%s is not a multi-Region primary key: replicate the primary key in %s.", k.arn, primary)
		}
		in, orig = i, *k
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	region := *in.ReplicaRegion
	if region == s.env.Region {
		return nil, api.BadRequest("ValidationException", "The replica region %s is the region of the primary key.", region)
	}
	if err := reservedTag(in.Tags); err != nil {
		return nil, err
	}
	if s.registry.peer == nil {
		return nil, api.BadRequest("UnsupportedOperationException", "This KMS is not linked to other regions.")
	}
	return s.registry.peer(region).addReplica(ctx, &orig, in)
}

// addReplica creates the replica of primary in this region.
func (s *Service) addReplica(ctx context.Context, primary *key, in *replicateKeyInput) (any, error) {
	arn := s.keyARN(primary.id)
	if err := s.requireIAM(ctx, "kms:CreateKey", "*"); err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		if err := s.requireIAM(ctx, "kms:TagResource", arn); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purge()
	if _, ok := s.keys[primary.id]; ok {
		return nil, api.BadRequest("AlreadyExistsException", "%s already has a replica in %s.", primary.arn, s.env.Region)
	}
	text := defaultPolicy(s.env.AccountID)
	var (
		doc *policy.Document
		err error
	)
	if in.Policy != nil {
		text = *in.Policy
		doc, err = s.checkPolicy(ctx, api.CallerFrom(ctx), arn, text, in.BypassPolicyLockoutSafetyCheck)
	} else {
		doc, err = policy.ParseResource([]byte(text))
	}
	if err != nil {
		return nil, err
	}
	k := s.addKey(primary.id, ManagerCustomer, deref(in.Description), text, doc)
	k.spec, k.usage, k.material, k.multiRegion = primary.spec, primary.usage, primary.material, true
	k.rotation, k.rotationDays, k.rotationSince = primary.rotation, primary.rotationDays, primary.rotationSince
	replicaTags := []tag{}
	for _, t := range in.Tags {
		k.tags[*t.TagKey] = *t.TagValue
		replicaTags = append(replicaTags, t)
	}
	s.registry.join(k.id, s.env.Region, "")
	if req := api.RequestFrom(ctx); req != nil {
		req.Touch(arn)
	}
	return map[string]any{"ReplicaKeyMetadata": s.metadata(k), "ReplicaPolicy": text, "ReplicaTags": replicaTags}, nil
}
