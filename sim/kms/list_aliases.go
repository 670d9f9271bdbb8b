package kms

import (
	"context"
	"sort"
)

type listAliasesInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

func (in *listAliasesInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, false, 1, 2048)
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

// aliasEntry is one alias; a predefined alias with no key yet has only a
// name and an ARN.
type aliasEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string `json:",omitempty"`
	CreationDate    *epoch `json:",omitempty"`
	LastUpdatedDate *epoch `json:",omitempty"`
}

// listAliases lists the account's aliases, the predefined AWS ones included
// (without a TargetKeyId until their key exists). IAM alone authorizes it
// (resource "*").
func (s *Service) listAliases(ctx context.Context, body []byte) (any, error) {
	return listing(ctx, s, body, "kms:ListAliases", func(in *listAliasesInput) (any, error) {
		filter := ""
		if in.KeyId != nil {
			k, err := s.resolve(*in.KeyId, false)
			if err != nil {
				return nil, err
			}
			filter = k.id
		}
		var all []aliasEntry
		for _, a := range s.listedAliases() {
			if filter != "" && a.keyID != filter {
				continue
			}
			all = append(all, aliasEntry{
				AliasName:       a.name,
				AliasArn:        s.aliasARN(a.name),
				TargetKeyId:     a.keyID,
				CreationDate:    epochPtr(a.created),
				LastUpdatedDate: epochPtr(a.updated),
			})
		}
		if filter == "" {
			for name := range predefinedAliases {
				if _, ok := s.aliases[name]; !ok {
					all = append(all, aliasEntry{AliasName: name, AliasArn: s.aliasARN(name)})
				}
			}
		}
		sort.Slice(all, func(i, j int) bool { return all[i].AliasName < all[j].AliasName })
		start, end, next, err := page(len(all), in.Limit, in.Marker, 50)
		if err != nil {
			return nil, err
		}
		return listOut("Aliases", append([]aliasEntry{}, all[start:end]...), next), nil
	})
}
