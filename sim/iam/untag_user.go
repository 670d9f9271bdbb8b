package iam

import (
	"context"
	"net/url"
	"strings"
)

func (s *Service) untagUser(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	name, _ := v.str("UserName", true, ruleExistingUser)
	keys := v.list("TagKeys", true, maxTagsPerUser, ruleTagKey)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, "iam:UntagUser", name, nil, func(u *user) (any, error) {
		kept := u.Tags[:0:0]
		for _, t := range u.Tags {
			drop := false
			for _, k := range keys {
				if strings.EqualFold(t.Key, k) {
					drop = true
					break
				}
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		u.Tags = kept
		return nil, nil
	})
}
