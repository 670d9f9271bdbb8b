package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"kmslab/sim/api"
)

// tagUser adds tags, replacing the value of keys the user already has (keys compare without case).
func (s *Service) tagUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	tags := v.tags("Tags", true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := checkTagKeys(tags); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:TagUser", name, nil, func(u *user) (any, error) {
		merged := append([]tag(nil), u.Tags...)
		for _, t := range tags {
			replaced := false
			for i := range merged {
				if strings.EqualFold(merged[i].Key, t.Key) {
					merged[i] = t
					replaced = true
					break
				}
			}
			if !replaced {
				merged = append(merged, t)
			}
		}
		if len(merged) > maxTagsPerUser {
			return nil, api.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for TagsPerUser: %d", maxTagsPerUser)
		}
		u.Tags = merged
		return nil, nil
	})
}
