package kms

import (
	"sort"
	"testing"
)

// aliasesByName lists every alias, one entry per name.
func aliasesByName(f *fixture, in map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, e := range f.must(f.admin, "ListAliases", in)["Aliases"].([]any) {
		m := e.(map[string]any)
		out[m["AliasName"].(string)] = m
	}
	return out
}

func TestPredefinedAliases(t *testing.T) {
	f := newFixture(t, Options{})
	all := aliasesByName(f, map[string]any{})
	for name := range predefinedAliases {
		m, ok := all[name]
		if !ok {
			t.Fatalf("ListAliases lacks predefined %s", name)
		}
		if m["AliasArn"] != "arn:aws:kms:us-east-1:111122223333:"+name {
			t.Errorf("%s AliasArn = %v", name, m["AliasArn"])
		}
		// AWS sends neither a target nor dates for an alias with no key yet.
		for _, field := range []string{"TargetKeyId", "CreationDate", "LastUpdatedDate"} {
			if _, has := m[field]; has {
				t.Errorf("%s has %s before its key exists: %v", name, field, m)
			}
		}
	}
	var names []string
	for _, e := range f.must(f.admin, "ListAliases", map[string]any{})["Aliases"].([]any) {
		names = append(names, e.(map[string]any)["AliasName"].(string))
	}
	if !sort.StringsAreSorted(names) || len(names) != len(predefinedAliases) {
		t.Fatalf("ListAliases = %v, want the %d predefined aliases in order", names, len(predefinedAliases))
	}

	tests := []struct {
		ref, alias string
	}{
		{"alias/aws/dynamodb", "alias/aws/dynamodb"},
		{"arn:aws:kms:us-east-1:111122223333:alias/aws/s3", "alias/aws/s3"},
	}
	for _, tt := range tests {
		md := f.must(f.admin, "DescribeKey", map[string]any{"KeyId": tt.ref})["KeyMetadata"].(map[string]any)
		if md["KeyManager"] != ManagerAWS || md["Description"] != predefinedAliases[tt.alias] || md["KeyState"] != StateEnabled {
			t.Fatalf("DescribeKey(%s) = %v", tt.ref, md)
		}
		again := f.must(f.admin, "DescribeKey", map[string]any{"KeyId": tt.ref})["KeyMetadata"].(map[string]any)
		if again["KeyId"] != md["KeyId"] {
			t.Fatalf("second DescribeKey(%s) made another key: %v then %v", tt.ref, md["KeyId"], again["KeyId"])
		}
		m := aliasesByName(f, map[string]any{})[tt.alias]
		if m["TargetKeyId"] != md["KeyId"] || m["CreationDate"] == nil {
			t.Fatalf("after DescribeKey, ListAliases has %v", m)
		}
		byKey := aliasesByName(f, map[string]any{"KeyId": md["KeyId"]})
		if len(byKey) != 1 || byKey[tt.alias] == nil {
			t.Fatalf("ListAliases(KeyId) = %v", byKey)
		}
	}
	// Only the predefined names are created on demand.
	f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": "alias/aws/nosuchservice"}, "NotFoundException",
		"Alias arn:aws:kms:us-east-1:111122223333:alias/aws/nosuchservice is not found.")
	f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": "arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs"}, "NotFoundException",
		"Alias arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs is not found.")
}
