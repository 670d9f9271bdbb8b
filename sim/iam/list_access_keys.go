package iam

import (
	"context"
	"net/url"
)

type accessKeyMetadataXML struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[accessKeyMetadataXML] `xml:"AccessKeyMetadata"`
	IsTruncated       bool                          `xml:"IsTruncated"`
	Marker            string                        `xml:"Marker,omitempty"`
}

func (s *Service) listAccessKeys(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	v.str("UserName", false, ruleExistingUser)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	if err := v.err(); err != nil {
		return nil, err
	}
	name, err := s.targetUser(ctx, form)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:ListAccessKeys", s.userResource(name), nil); err != nil {
		return nil, err
	}
	s.mu.RLock()
	u, err := s.lookupUser(name)
	var keys []accessKeyMetadataXML
	if err == nil {
		for _, id := range u.Keys {
			k := s.keys[id]
			keys = append(keys, accessKeyMetadataXML{UserName: u.Name, AccessKeyID: id, Status: k.Status, CreateDate: timestamp(k.Created)})
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	got, truncated, next, err := page(keys, func(k accessKeyMetadataXML) string { return k.CreateDate + k.AccessKeyID }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return listAccessKeysResult{AccessKeyMetadata: list(append([]accessKeyMetadataXML{}, got...)), IsTruncated: truncated, Marker: next}, nil
}
