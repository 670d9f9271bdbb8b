package iam

import (
	"context"
	"net/http"
	"net/url"

	"kmslab/sim/api"
)

type accessKeyXML struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	CreateDate      string `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	AccessKey accessKeyXML `xml:"AccessKey"`
}

// createAccessKey issues a key for the named user (or the caller). With
// Options.AccessKeyDelay the key exists at once but signs nothing until it has
// "propagated", as on AWS.
func (s *Service) createAccessKey(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:CreateAccessKey", name, nil, func(u *user) (any, error) {
		if len(u.Keys) >= maxAccessKeysPerUser {
			return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
		}
		id := s.env.ID("AKIA", 20)
		for s.keys[id] != nil { // a seeded source could repeat; ids must stay unique
			id = s.env.ID("AKIA", 20)
		}
		now := s.env.Now()
		k := &accessKey{ID: id, Secret: s.env.Secret(), UserName: u.Name, Status: accessKeyStatusActive, Created: now, UsableAt: now.Add(s.opts.AccessKeyDelay)}
		s.keys[id] = k
		u.Keys = append(u.Keys, id)
		return createAccessKeyResult{AccessKey: accessKeyXML{
			UserName: u.Name, AccessKeyID: id, Status: k.Status, SecretAccessKey: k.Secret, CreateDate: timestamp(now),
		}}, nil
	})
}
