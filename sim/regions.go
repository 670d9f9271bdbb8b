package sim

import (
	"regexp"
	"sort"
	"sync"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb"
	"kmslab/sim/kms"
)

// regional is what AWS keeps per region: KMS (keys, aliases, grants) and
// DynamoDB (tables), DynamoDB using the KMS of its own region. IAM and STS
// are global and live outside.
type regional struct {
	name     string
	kms      *kms.Service
	dynamodb *dynamodb.Service
	kmsOps   map[string]api.JSONHandler
	ddbOps   map[string]api.JSONHandler
}

// regions holds one regional per region a request has named, created on first
// use, so an account in us-east-1 only pays for the regions it touches.
type regions struct {
	build func(region string) *regional

	mu     sync.Mutex
	byName map[string]*regional
}

func (rs *regions) get(region string) *regional {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r, ok := rs.byName[region]; ok {
		return r
	}
	if rs.byName == nil {
		rs.byName = map[string]*regional{}
	}
	r := rs.build(region)
	rs.byName[region] = r
	return r
}

// drop forgets the regions gone says so of: the next get builds them afresh.
func (rs *regions) drop(gone func(name string) bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for name := range rs.byName {
		if gone(name) {
			delete(rs.byName, name)
		}
	}
}

// all returns the regions created so far, by name.
func (rs *regions) all() []*regional {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]*regional, 0, len(rs.byName))
	for _, r := range rs.byName {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// regionRE is the shape of a region of the aws partition (us-east-1,
// ap-southeast-2, il-central-1). The other partitions (aws-cn, aws-us-gov,
// the iso ones) have their own ARN prefix, which the offline AWS does not speak.
var regionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}-[a-z]+-[1-9][0-9]?$`) })

// validRegion reports whether a credential scope may name region.
func validRegion(region string) bool {
	return regionRE().MatchString(region) && region[:3] != "cn-" && region[:3] != "us-g"
}
