package kms

import (
	"encoding/base64"
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

func TestGenerateRandom(t *testing.T) {
	f := newFixture(t, Options{})
	for _, n := range []int{1, 32, 1024} {
		out := f.must(f.admin, "GenerateRandom", map[string]any{"NumberOfBytes": n})
		b, err := base64.StdEncoding.DecodeString(out["Plaintext"].(string))
		if err != nil || len(b) != n {
			t.Fatalf("GenerateRandom(%d) = %v (%v)", n, out, err)
		}
	}
	tests := []struct {
		name      string
		in        map[string]any
		code, msg string
	}{
		{"missing", map[string]any{}, "ValidationException",
			"1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null"},
		{"zero", map[string]any{"NumberOfBytes": 0}, "ValidationException",
			"1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"too many", map[string]any{"NumberOfBytes": 1025}, "ValidationException",
			"1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"},
		{"key store", map[string]any{"NumberOfBytes": 8, "CustomKeyStoreId": "cks-1234567890abcdef0"}, "CustomKeyStoreNotFoundException",
			"Custom key store cks-1234567890abcdef0 does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { f.fails(f.admin, "GenerateRandom", tt.in, tt.code, tt.msg) })
	}
	// AmazonDynamoDBFullAccess grants no kms:GenerateRandom.
	f.fails(f.user, "GenerateRandom", map[string]any{"NumberOfBytes": 8}, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:GenerateRandom on resource: * because no identity-based policy allows the kms:GenerateRandom action")
}

func TestUpdateKeyDescription(t *testing.T) {
	f := newFixture(t, Options{})
	md := f.createKey("")
	id, arn := md["KeyId"].(string), md["Arn"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/d", "TargetKeyId": id})
	for _, ref := range []string{id, arn} {
		f.must(f.admin, "UpdateKeyDescription", map[string]any{"KeyId": ref, "Description": "new " + ref})
		got := f.must(f.admin, "DescribeKey", map[string]any{"KeyId": id})["KeyMetadata"].(map[string]any)["Description"]
		if got != "new "+ref {
			t.Fatalf("after UpdateKeyDescription(%s): Description %v", ref, got)
		}
	}
	f.must(f.admin, "UpdateKeyDescription", map[string]any{"KeyId": id, "Description": ""})
	f.fails(f.admin, "UpdateKeyDescription", map[string]any{"KeyId": "alias/d", "Description": "x"}, "NotFoundException", "Invalid keyId alias/d")
	f.fails(f.admin, "UpdateKeyDescription", map[string]any{"KeyId": id}, "ValidationException",
		"1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null")
	f.fails(f.user, "UpdateKeyDescription", map[string]any{"KeyId": id, "Description": "x"}, "AccessDeniedException", "")
}

func TestListRetirableGrants(t *testing.T) {
	f := newFixture(t, Options{})
	a := f.createKey("")["KeyId"].(string)
	b := f.createKey("")["KeyId"].(string)
	for _, k := range []string{a, b} {
		f.must(f.admin, "CreateGrant", map[string]any{"KeyId": k, "GranteePrincipal": userARN, "RetiringPrincipal": adminARN, "Operations": []string{"Decrypt"}})
	}
	f.must(f.admin, "CreateGrant", map[string]any{"KeyId": a, "GranteePrincipal": userARN, "Operations": []string{"Encrypt"}})
	var keys []string
	in := map[string]any{"RetiringPrincipal": adminARN, "Limit": 1}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		out := f.must(f.admin, "ListRetirableGrants", in)
		for _, g := range out["Grants"].([]any) {
			m := g.(map[string]any)
			if m["RetiringPrincipal"] != adminARN {
				t.Fatalf("grant %v", m)
			}
			keys = append(keys, m["KeyId"].(string))
		}
		if out["Truncated"] != true {
			break
		}
		in["Marker"] = out["NextMarker"]
	}
	if len(keys) != 2 || keys[0] == keys[1] {
		t.Fatalf("ListRetirableGrants keys = %v, want the grants on both keys", keys)
	}
	if out := f.must(f.admin, "ListRetirableGrants", map[string]any{"RetiringPrincipal": userARN}); len(out["Grants"].([]any)) != 0 {
		t.Fatalf("grants retirable by the user: %v", out)
	}
	f.fails(f.admin, "ListRetirableGrants", map[string]any{}, "ValidationException",
		"1 validation error detected: Value null at 'retiringPrincipal' failed to satisfy constraint: Member must not be null")
}
