package iam

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// notAvailable is what IAM answers for the service and region of a key never used.
const notAvailable = "N/A"

// lastUse is where and when an access key last signed a request that authenticated.
type lastUse struct {
	Service string // the signing name: dynamodb, kms, iam, sts
	Region  string
	At      time.Time
}

type accessKeyLastUsedXML struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	ServiceName  string `xml:"ServiceName"`
	Region       string `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	UserName          string               `xml:"UserName"`
	AccessKeyLastUsed accessKeyLastUsedXML `xml:"AccessKeyLastUsed"`
}

// RecordKeyUse notes that accessKeyID authenticated a request to service in
// region at the given time. The router calls it on every authenticated
// request, so it does no more than one write under the lock.
func (s *Service) RecordKeyUse(accessKeyID, service, region string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[accessKeyID]; ok {
		k.LastUsed = &lastUse{Service: service, Region: region, At: at}
	}
	// A session's use is its role's (GetRole's RoleLastUsed).
	if ss, ok := s.sessions[accessKeyID]; ok {
		if r, ok := s.roles[strings.ToLower(ss.RoleName)]; ok && r.ID == ss.RoleID {
			r.LastUsed = &lastUse{Service: service, Region: region, At: at}
		}
	}
}

// getAccessKeyLastUsed answers for any key of the account, as AWS does: the
// key id alone names it, and the caller is authorized on the key's owner.
func (s *Service) getAccessKeyLastUsed(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	id, _ := v.str("AccessKeyId", true, ruleAccessKeyID)
	if err := v.err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	owner, resource := "", ""
	if k, ok := s.keys[id]; ok {
		owner = k.UserName
		resource = s.userARN("/", k.UserName)
		if u, ok := s.users[strings.ToLower(k.UserName)]; ok {
			resource = u.ARN
		}
	}
	s.mu.RUnlock()
	if resource == "" {
		// Only a caller allowed on every user may learn that a key id does
		// not exist: anyone else would get a key id existence oracle.
		resource = s.userARN("/", "*")
	}
	if err := s.require(ctx, "iam:GetAccessKeyLastUsed", resource, nil); err != nil {
		return nil, err
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[id]
	if !ok || k.UserName != owner {
		return nil, noSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	out := getAccessKeyLastUsedResult{UserName: k.UserName, AccessKeyLastUsed: accessKeyLastUsedXML{ServiceName: notAvailable, Region: notAvailable}}
	if lu := k.LastUsed; lu != nil {
		out.AccessKeyLastUsed = accessKeyLastUsedXML{LastUsedDate: timestamp(lu.At), ServiceName: lu.Service, Region: lu.Region}
	}
	return out, nil
}
