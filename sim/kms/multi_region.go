package kms

import (
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"sync"

	"kmslab/sim/api"
)

// Registry links the KMS services of one account's regions for multi-Region keys:
// a primary key and its replicas share a key id, key material and spec in several
// regions (developerguide/multi-region-keys-overview.html). It is the only state the
// regions share; its lock is taken alone, never while asking a region's service.
type Registry struct {
	peer func(region string) *Service

	mu     sync.Mutex
	groups map[string]*mrkGroup // by key id
}

// mrkGroup is one set of related multi-Region keys: the regions holding a key of it,
// and which one holds the primary.
type mrkGroup struct {
	primary string
	regions map[string]bool
}

// NewRegistry links regions; peer returns the KMS of a region, creating it if need be.
func NewRegistry(peer func(region string) *Service) *Registry {
	return &Registry{peer: peer, groups: map[string]*mrkGroup{}}
}

// join records that region holds key id; primary, when not empty, names the primary's region.
func (r *Registry) join(id, region, primary string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.groups[id]
	if g == nil {
		g = &mrkGroup{regions: map[string]bool{}}
		r.groups[id] = g
	}
	g.regions[region] = true
	if primary != "" {
		g.primary = primary
	}
}

// leave records that region no longer holds key id (its deletion completed).
func (r *Registry) leave(id, region string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if g := r.groups[id]; g != nil {
		delete(g.regions, region)
		if len(g.regions) == 0 {
			delete(r.groups, id)
		}
	}
}

// members returns the primary's region and the replicas' regions, sorted.
func (r *Registry) members(id string) (primary string, replicas []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.groups[id]
	if g == nil {
		return "", nil
	}
	for region := range g.regions {
		if region != g.primary {
			replicas = append(replicas, region)
		}
	}
	sort.Strings(replicas)
	return g.primary, replicas
}

func (r *Registry) setPrimary(id, region string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if g := r.groups[id]; g != nil {
		g.primary = region
	}
}

// rotatable refuses automatic rotation where KMS does: keys other than symmetric encryption
// keys, and multi-Region replicas, whose rotation is managed on the primary key
// (developerguide/rotate-keys.html: "for multi-Region keys, only on the primary key").
func (s *Service) rotatable(k *key) error {
	if err := requireRotatable(k); err != nil {
		return err
	}
	if k.multiRegion {
		if primary, _ := s.registry.members(k.id); primary != s.env.Region {
			return api.BadRequest("UnsupportedOperationException", "%s is a multi-Region replica key: manage its automatic rotation on the primary key in %s.", k.arn, primary)
		}
	}
	return nil
}

// newMRKID is a multi-Region key id: mrk- and 32 hex digits (API_CreateKey.html, MultiRegion).
func (s *Service) newMRKID() string {
	return "mrk-" + hex.EncodeToString(s.env.Bytes(16))
}

// isMRKID reports whether id is a multi-Region key id.
func isMRKID(id string) bool {
	rest, ok := strings.CutPrefix(id, "mrk-")
	if !ok || len(rest) != 32 {
		return false
	}
	_, err := hex.DecodeString(rest)
	return err == nil
}

// regionPattern is RegionType's pattern in KMS's model.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z]+-){2,3}\d+$`) })

type multiRegionKey struct {
	Arn    string
	Region string
}

type multiRegionConfiguration struct {
	MultiRegionKeyType string
	PrimaryKey         multiRegionKey
	ReplicaKeys        []multiRegionKey
}

// multiRegionConfig is DescribeKey's MultiRegionConfiguration of a multi-Region key k.
func (s *Service) multiRegionConfig(k *key) *multiRegionConfiguration {
	primary, replicas := s.registry.members(k.id)
	arn := func(region string) string {
		return "arn:aws:kms:" + region + ":" + s.env.AccountID + ":key/" + k.id
	}
	c := &multiRegionConfiguration{MultiRegionKeyType: "REPLICA", PrimaryKey: multiRegionKey{arn(primary), primary}, ReplicaKeys: []multiRegionKey{}}
	if primary == s.env.Region {
		c.MultiRegionKeyType = "PRIMARY"
	}
	for _, r := range replicas {
		c.ReplicaKeys = append(c.ReplicaKeys, multiRegionKey{arn(r), r})
	}
	return c
}
