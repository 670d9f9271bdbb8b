package kms

import (
	"encoding/json"
	"fmt"
	"time"

	"kmslab/policy"
)

// The persistent form of one region's KMS, for `kmslab serve --data-dir`. It
// holds key material in the clear: the data dir is the user's own (0700).
type (
	kmsState struct {
		Order   []string
		Keys    []keyState
		Aliases []aliasState
	}
	keyState struct {
		ID, ARN, Description, State, Manager string
		Created, Deletion                    time.Time
		Window                               int32
		Rotation                             bool
		RotationDays                         int32
		RotationSince                        time.Time
		Material                             []byte
		// Retired and Rotations are a rotated key's earlier materials and its rotations.
		Retired   [][]byte   `json:",omitempty"`
		Rotations []rotation `json:",omitempty"`
		// Spec and Usage are empty in data dirs written before other key specs existed.
		Spec, Usage string `json:",omitempty"`
		// PrimaryRegion is the primary's region, for a multi-Region key.
		PrimaryRegion      string `json:",omitempty"`
		Tags               map[string]string
		PolicyText         string
		Policy, PrevPolicy *policy.Document
		PolicySet          time.Time
		Grants             []grantState
	}
	grantState struct {
		ID, Name, KeyID, Grantee, Retiring, Issuer string
		Tokens, Ops                                []string
		Created                                    time.Time
		CtxSubset, CtxEquals                       map[string]string
		Constraints                                bool
	}
	aliasState struct {
		Name, KeyID      string
		Created, Updated time.Time
	}
)

// MarshalState encodes the region's keys (with their material), aliases and grants.
func (s *Service) MarshalState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := kmsState{Order: s.order}
	for _, id := range s.order {
		k := s.keys[id]
		if k == nil {
			continue
		}
		ks := keyState{
			ID: k.id, ARN: k.arn, Description: k.description, State: k.state, Manager: k.manager,
			Created: k.created, Deletion: k.deletion, Window: k.window, Rotation: k.rotation,
			RotationDays: k.rotationDays, RotationSince: k.rotationSince, Material: k.material, Tags: k.tags,
			Spec: k.spec, Usage: k.usage, PolicyText: k.policyText, Policy: k.policy, PrevPolicy: k.prevPolicy, PolicySet: k.policySet,
			Retired: k.retired, Rotations: k.rotations,
		}
		if k.multiRegion {
			ks.PrimaryRegion, _ = s.registry.members(k.id)
		}
		for _, g := range k.grants {
			ks.Grants = append(ks.Grants, grantState{
				ID: g.id, Name: g.name, KeyID: g.keyID, Grantee: g.grantee, Retiring: g.retiring, Issuer: g.issuer,
				Tokens: g.tokens, Ops: g.ops, Created: g.created, CtxSubset: g.ctxSubset, CtxEquals: g.ctxEquals,
				Constraints: g.constraints,
			})
		}
		st.Keys = append(st.Keys, ks)
	}
	for _, a := range s.aliases {
		st.Aliases = append(st.Aliases, aliasState{Name: a.name, KeyID: a.keyID, Created: a.created, Updated: a.updated})
	}
	return json.Marshal(st)
}

// RestoreState replaces the region's keys, aliases and grants with those of b.
func (s *Service) RestoreState(b []byte) error {
	var st kmsState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("restore kms: %w", err)
	}
	keys := map[string]*key{}
	for _, ks := range st.Keys {
		if ks.Spec == "" {
			ks.Spec, ks.Usage = specSymmetric, usageEncrypt
		}
		if err := checkMaterial(ks.Spec, ks.Usage, ks.Material); err != nil {
			return fmt.Errorf("restore kms: key %s: %w", ks.ID, err)
		}
		k := &key{
			id: ks.ID, arn: ks.ARN, description: ks.Description, state: ks.State, manager: ks.Manager,
			created: ks.Created, deletion: ks.Deletion, window: ks.Window, rotation: ks.Rotation,
			rotationDays: ks.RotationDays, rotationSince: ks.RotationSince, material: ks.Material, tags: ks.Tags,
			spec: ks.Spec, usage: ks.Usage, policyText: ks.PolicyText, policy: ks.Policy, prevPolicy: ks.PrevPolicy, policySet: ks.PolicySet,
			multiRegion: ks.PrimaryRegion != "", retired: ks.Retired, rotations: ks.Rotations,
		}
		if len(k.retired) != len(k.rotations) {
			return fmt.Errorf("restore kms: key %s has %d retired materials for %d rotations", ks.ID, len(k.retired), len(k.rotations))
		}
		for _, m := range k.retired {
			if err := checkMaterial(ks.Spec, ks.Usage, m); err != nil {
				return fmt.Errorf("restore kms: key %s: retired material: %w", ks.ID, err)
			}
		}
		if k.multiRegion != isMRKID(k.id) {
			return fmt.Errorf("restore kms: key %s with primary region %q", k.id, ks.PrimaryRegion)
		}
		for _, g := range ks.Grants {
			k.grants = append(k.grants, &grant{
				id: g.ID, name: g.Name, keyID: g.KeyID, grantee: g.Grantee, retiring: g.Retiring, issuer: g.Issuer,
				tokens: g.Tokens, ops: g.Ops, created: g.Created, ctxSubset: g.CtxSubset, ctxEquals: g.CtxEquals,
				constraints: g.Constraints,
			})
		}
		keys[k.id] = k
	}
	order := make([]string, 0, len(st.Order))
	for _, id := range st.Order {
		if keys[id] == nil {
			return fmt.Errorf("restore kms: key order names missing key %s", id)
		}
		order = append(order, id)
	}
	if len(order) != len(keys) {
		return fmt.Errorf("restore kms: %d keys, %d in order", len(keys), len(order))
	}
	aliases := map[string]*alias{}
	for _, a := range st.Aliases {
		aliases[a.Name] = &alias{name: a.Name, keyID: a.KeyID, created: a.Created, updated: a.Updated}
	}
	for _, k := range keys {
		if k.multiRegion {
			s.registry.join(k.id, s.env.Region, keyStatePrimary(st.Keys, k.id))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.order, s.aliases = keys, order, aliases
	return nil
}

func keyStatePrimary(keys []keyState, id string) string {
	for _, ks := range keys {
		if ks.ID == id {
			return ks.PrimaryRegion
		}
	}
	return ""
}
