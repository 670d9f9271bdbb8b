package kms

import (
	"fmt"
	"strings"

	"kmslab/sim/api"
)

// validateTags checks a Tags list as AWS's request validation does.
func validateTags(v *validation, tags []tag) {
	for i, t := range tags {
		v.str(fmt.Sprintf("tags.%d.member.tagKey", i+1), t.TagKey, true, 1, 128)
		v.str(fmt.Sprintf("tags.%d.member.tagValue", i+1), t.TagValue, true, 0, 256)
	}
}

// reservedTag refuses the aws: prefix, which only AWS may use.
func reservedTag(tags []tag) error {
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(*t.TagKey), "aws:") {
			return api.BadRequest("TagException", "Tags beginning with aws: are reserved.")
		}
	}
	return nil
}
