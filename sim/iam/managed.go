package iam

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"
	"time"

	"kmslab/policy"
)

// The AWS managed policies the lab uses, with their real documents (as
// published by AWS, via moto's snapshot), ARNs, paths and default versions.
//
//go:embed managed/*.json
var managedFS embed.FS

// managedPolicy is a managed policy: an AWS managed one (read-only, shared by
// every offline account, one version) or a customer managed one (Local, up to
// five versions, owned by one Service and changed under its mu).
type managedPolicy struct {
	Name             string          `json:"PolicyName"`
	ARN              string          `json:"Arn"`
	Path             string          `json:"Path"`
	DefaultVersionID string          `json:"DefaultVersionId"`
	Description      string          `json:"Description"`
	Created          time.Time       `json:"CreateDate"`
	Updated          time.Time       `json:"UpdateDate"`
	Document         json.RawMessage `json:"Document"`

	id       string
	local    bool             // customer managed: created in this account
	versions []*policyVersion // oldest first
	next     int              // the number of the next version: ids are never reused
	tags     []tag
}

// policyVersion is one version of a managed policy's document.
type policyVersion struct {
	ID      string
	Text    string // as GetPolicyVersion shows it: AWS's own indentation, or the customer's text unchanged
	Doc     *policy.Document
	Created time.Time
}

// defaultVersion is the version that applies to whoever the policy is attached to.
func (mp *managedPolicy) defaultVersion() *policyVersion { return mp.version(mp.DefaultVersionID) }

// version finds a version by id, or nil.
func (mp *managedPolicy) version(id string) *policyVersion {
	for _, v := range mp.versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// loadManaged returns the embedded policies, read once per process: they never
// change and every offline account shares them read-only.
var loadManaged = sync.OnceValues(readManaged)

// readManaged reads and validates the embedded policies. They are part of the
// program, so a failure here is a build defect, reported as an error all the same.
func readManaged() (map[string]*managedPolicy, error) {
	entries, err := fs.Glob(managedFS, "managed/*.json")
	if err != nil {
		return nil, fmt.Errorf("list managed policies: %w", err)
	}
	out := make(map[string]*managedPolicy, len(entries))
	for _, name := range entries {
		raw, err := managedFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var mp managedPolicy
		if err := json.Unmarshal(raw, &mp); err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		doc, err := policy.ParseIdentity(mp.Document)
		if err != nil {
			return nil, fmt.Errorf("parse document of %s: %w", name, err)
		}
		if mp.ARN != "arn:aws:iam::aws:policy"+mp.Path+mp.Name {
			return nil, fmt.Errorf("%s: ARN %s does not match path %s and name %s", name, mp.ARN, mp.Path, mp.Name)
		}
		var buf bytes.Buffer
		if err := json.Indent(&buf, mp.Document, "", "    "); err != nil {
			return nil, fmt.Errorf("indent document of %s: %w", name, err)
		}
		mp.versions = []*policyVersion{{ID: mp.DefaultVersionID, Text: buf.String(), Doc: doc, Created: mp.Updated}}
		mp.id = policyID(mp.ARN)
		out[mp.ARN] = &mp
	}
	return out, nil
}

// policyID derives a stable ANPA id from the ARN: our data source does not
// carry AWS's own ids, and a seeded run must show the same ids every time.
func policyID(arn string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	sum := sha256.Sum256([]byte(arn))
	b := []byte("ANPA")
	for _, c := range sum[:17] {
		b = append(b, alphabet[int(c)%len(alphabet)])
	}
	return string(b)
}

// managedARNs returns the managed policy ARNs in a stable order.
func managedARNs(m map[string]*managedPolicy) []string {
	arns := make([]string, 0, len(m))
	for a := range m {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	return arns
}
