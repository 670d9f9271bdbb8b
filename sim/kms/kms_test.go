package kms

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func unb64(t testing.TB, v any) []byte {
	t.Helper()
	s, _ := v.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not base64: %v", v)
	}
	return b
}

func TestCreateKeyDefaults(t *testing.T) {
	f := newFixture(t, Options{})
	md := f.createKey("")
	want := map[string]any{
		"AWSAccountId": acct, "Enabled": true, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
		"Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
		"KeySpec": "SYMMETRIC_DEFAULT", "MultiRegion": false, "Description": "lab key",
	}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("%s = %v, want %v", k, md[k], v)
		}
	}
	id := md["KeyId"].(string)
	if !isKeyID(id) || md["Arn"] != "arn:aws:kms:us-east-1:111122223333:key/"+id {
		t.Errorf("id %q arn %q", id, md["Arn"])
	}
	if created, ok := md["CreationDate"].(float64); !ok || int64(created) != f.now.Unix() {
		t.Errorf("CreationDate = %v, want epoch seconds %d", md["CreationDate"], f.now.Unix())
	}
	if _, ok := md["DeletionDate"]; ok {
		t.Error("DeletionDate present on an enabled key")
	}
	pol := f.must(f.admin, "GetKeyPolicy", map[string]any{"KeyId": id})
	if pol["PolicyName"] != "default" || !strings.Contains(pol["Policy"].(string), `"Id" : "key-default-1"`) ||
		!strings.Contains(pol["Policy"].(string), `"Sid" : "Enable IAM User Permissions"`) {
		t.Errorf("default policy: %v", pol)
	}
	f.fails(f.admin, "GetKeyPolicy", map[string]any{"KeyId": id, "PolicyName": "other"}, "NotFoundException", "No such policy exists")
	names := f.must(f.admin, "ListKeyPolicies", map[string]any{"KeyId": id})
	if got, _ := json.Marshal(names["PolicyNames"]); string(got) != `["default"]` {
		t.Errorf("ListKeyPolicies = %s", got)
	}
	f.fails(f.admin, "CreateKey", map[string]any{"KeySpec": "ECC_SECG_P256K1", "KeyUsage": "SIGN_VERIFY"}, "UnsupportedOperationException", "")
	f.fails(f.admin, "CreateKey", map[string]any{"KeySpec": "AES"}, "ValidationException",
		"1 validation error detected: Value 'AES' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519]")
	f.fails(f.user, "CreateKey", map[string]any{}, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action")
}

func TestEncryptDecrypt(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	other := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": id})
	ctx := map[string]string{"table": "orders"}
	for _, ref := range []string{id, "arn:aws:kms:us-east-1:111122223333:key/" + id, "alias/lab", "arn:aws:kms:us-east-1:111122223333:alias/lab"} {
		enc := f.must(f.admin, "Encrypt", map[string]any{"KeyId": ref, "Plaintext": b64([]byte("top secret")), "EncryptionContext": ctx})
		if enc["KeyId"] != "arn:aws:kms:us-east-1:111122223333:key/"+id || enc["EncryptionAlgorithm"] != "SYMMETRIC_DEFAULT" {
			t.Fatalf("Encrypt with %s: %v", ref, enc)
		}
		blob := enc["CiphertextBlob"].(string)
		dec := f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx})
		if string(unb64(t, dec["Plaintext"])) != "top secret" || dec["KeyId"] != enc["KeyId"] {
			t.Fatalf("Decrypt: %v", dec)
		}
		f.fails(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob}, "InvalidCiphertextException", "")
		f.fails(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx, "KeyId": other},
			"IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
		f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx, "KeyId": ref})
	}
	f.fails(f.admin, "Decrypt", map[string]any{"CiphertextBlob": b64([]byte("garbage that is long enough to be a blob"))}, "InvalidCiphertextException", "")
	f.fails(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64(make([]byte, 4097))}, "ValidationException",
		"1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096")
	f.fails(f.admin, "Encrypt", map[string]any{"KeyId": id}, "ValidationException",
		"1 validation error detected: Value null at 'plaintext' failed to satisfy constraint: Member must not be null")
	f.fails(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x")), "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}, "InvalidKeyUsageException", "")
	f.fails(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x")), "DryRun": true}, "DryRunOperationException", "")

	// ReEncrypt moves a ciphertext to another key and context.
	enc := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("move me")), "EncryptionContext": ctx})
	re := f.must(f.admin, "ReEncrypt", map[string]any{"CiphertextBlob": enc["CiphertextBlob"], "SourceEncryptionContext": ctx,
		"DestinationKeyId": other, "DestinationEncryptionContext": map[string]string{"v": "2"}})
	if re["SourceKeyId"] != enc["KeyId"] || re["KeyId"] != "arn:aws:kms:us-east-1:111122223333:key/"+other {
		t.Fatalf("ReEncrypt: %v", re)
	}
	dec := f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": re["CiphertextBlob"], "EncryptionContext": map[string]string{"v": "2"}})
	if string(unb64(t, dec["Plaintext"])) != "move me" {
		t.Fatalf("after ReEncrypt: %v", dec)
	}
}

func TestGenerateDataKey(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	ctx := map[string]string{"k": "v"}
	for _, c := range []struct {
		in   map[string]any
		size int
	}{
		{map[string]any{"KeySpec": "AES_256"}, 32},
		{map[string]any{"KeySpec": "AES_128"}, 16},
		{map[string]any{"NumberOfBytes": 64}, 64},
	} {
		c.in["KeyId"], c.in["EncryptionContext"] = id, ctx
		out := f.must(f.admin, "GenerateDataKey", c.in)
		pt := unb64(t, out["Plaintext"])
		if len(pt) != c.size {
			t.Fatalf("%v: %d bytes", c.in, len(pt))
		}
		dec := f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": out["CiphertextBlob"], "EncryptionContext": ctx})
		if !bytes.Equal(unb64(t, dec["Plaintext"]), pt) {
			t.Fatal("data key does not decrypt to its plaintext")
		}
	}
	out := f.must(f.admin, "GenerateDataKeyWithoutPlaintext", map[string]any{"KeyId": id, "KeySpec": "AES_256"})
	if _, ok := out["Plaintext"]; ok {
		t.Fatal("WithoutPlaintext returned a plaintext")
	}
	f.fails(f.admin, "GenerateDataKey", map[string]any{"KeyId": id}, "ValidationException", "Please specify either number of bytes or key spec.")
	f.fails(f.admin, "GenerateDataKey", map[string]any{"KeyId": id, "KeySpec": "AES_256", "NumberOfBytes": 32}, "ValidationException", "Please specify either number of bytes or key spec.")
	f.fails(f.admin, "GenerateDataKey", map[string]any{"KeyId": id, "NumberOfBytes": 1025}, "ValidationException",
		"1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024")
}

// TestKeyStates walks the key state machine: each step is an operation and
// the error code it must give (empty = success), with the state after it.
func TestKeyStates(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	arn := "arn:aws:kms:us-east-1:111122223333:key/" + id
	blob := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"]
	encrypt := map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))}
	decrypt := map[string]any{"CiphertextBlob": blob}
	keyOnly := map[string]any{"KeyId": id}
	steps := []struct {
		op    string
		in    map[string]any
		code  string
		msg   string
		state string
	}{
		{"DisableKey", keyOnly, "", "", "Disabled"},
		{"Encrypt", encrypt, "DisabledException", arn + " is disabled.", "Disabled"},
		{"Decrypt", decrypt, "DisabledException", arn + " is disabled.", "Disabled"},
		{"GenerateDataKey", map[string]any{"KeyId": id, "KeySpec": "AES_256"}, "DisabledException", arn + " is disabled.", "Disabled"},
		{"EnableKeyRotation", keyOnly, "DisabledException", arn + " is disabled.", "Disabled"},
		{"CancelKeyDeletion", keyOnly, "KMSInvalidStateException", arn + " is not pending deletion.", "Disabled"},
		{"EnableKey", keyOnly, "", "", "Enabled"},
		{"Decrypt", decrypt, "", "", "Enabled"},
		{"ScheduleKeyDeletion", map[string]any{"KeyId": id, "PendingWindowInDays": 6}, "ValidationException",
			"1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7", "Enabled"},
		{"ScheduleKeyDeletion", map[string]any{"KeyId": id, "PendingWindowInDays": 31}, "ValidationException",
			"1 validation error detected: Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30", "Enabled"},
		{"ScheduleKeyDeletion", map[string]any{"KeyId": id, "PendingWindowInDays": 7}, "", "", "PendingDeletion"},
		{"Encrypt", encrypt, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"Decrypt", decrypt, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"EnableKey", keyOnly, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"DisableKey", keyOnly, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"ScheduleKeyDeletion", keyOnly, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"CreateAlias", map[string]any{"AliasName": "alias/late", "TargetKeyId": id}, "KMSInvalidStateException", arn + " is pending deletion.", "PendingDeletion"},
		{"CancelKeyDeletion", keyOnly, "", "", "Disabled"},
		{"EnableKey", keyOnly, "", "", "Enabled"},
		{"Encrypt", encrypt, "", "", "Enabled"},
	}
	for i, st := range steps {
		_, _, err := f.call(f.admin, st.op, st.in)
		if st.code == "" {
			if err != nil {
				t.Fatalf("step %d %s: %v", i, st.op, err)
			}
		} else {
			checkErr(t, st.op, err, st.code, st.msg)
		}
		md := f.must(f.admin, "DescribeKey", keyOnly)["KeyMetadata"].(map[string]any)
		if md["KeyState"] != st.state || md["Enabled"] != (st.state == "Enabled") {
			t.Fatalf("step %d %s: state %v enabled %v, want %s", i, st.op, md["KeyState"], md["Enabled"], st.state)
		}
	}
}

func TestScheduledDeletionHappens(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/gone", "TargetKeyId": id})
	out := f.must(f.admin, "ScheduleKeyDeletion", map[string]any{"KeyId": id})
	if out["PendingWindowInDays"] != float64(30) || out["KeyState"] != "PendingDeletion" ||
		int64(out["DeletionDate"].(float64)) != f.now.Add(30*24*time.Hour).Unix() {
		t.Fatalf("ScheduleKeyDeletion: %v", out)
	}
	md := f.must(f.admin, "DescribeKey", map[string]any{"KeyId": id})["KeyMetadata"].(map[string]any)
	if md["DeletionDate"] != out["DeletionDate"] || md["PendingDeletionWindowInDays"] != float64(30) {
		t.Fatalf("DescribeKey while pending: %v", md)
	}
	f.now = f.now.Add(30*24*time.Hour - time.Second)
	f.must(f.admin, "DescribeKey", map[string]any{"KeyId": id})
	f.now = f.now.Add(time.Second)
	f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": id}, "NotFoundException",
		"Key 'arn:aws:kms:us-east-1:111122223333:key/"+id+"' does not exist")
	f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": "alias/gone"}, "NotFoundException",
		"Alias arn:aws:kms:us-east-1:111122223333:alias/gone is not found.")
	if keys := f.must(f.admin, "ListKeys", map[string]any{})["Keys"].([]any); len(keys) != 0 {
		t.Fatalf("ListKeys after deletion: %v", keys)
	}
}

func TestKeyReferences(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": id})
	for _, c := range []struct{ ref, code, msg string }{
		{"", "ValidationException", "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"foo", "NotFoundException", "Invalid keyId foo"},
		{"alias/nope", "NotFoundException", "Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found."},
		{"11111111-2222-3333-4444-555555555555", "NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555' does not exist"},
		{"arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555", "NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555' does not exist"},
	} {
		f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": c.ref}, c.code, c.msg)
	}
	f.fails(f.admin, "DescribeKey", map[string]any{}, "ValidationException",
		"1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	// Operations that only take a key id or ARN refuse an alias.
	f.fails(f.admin, "DisableKey", map[string]any{"KeyId": "alias/lab"}, "NotFoundException", "Invalid keyId alias/lab")
	f.fails(f.admin, "DescribeKey", []byte(`{"KeyId": 5}`), "SerializationException", "")
}

func TestAliases(t *testing.T) {
	f := newFixture(t, Options{})
	a := f.createKey("")["KeyId"].(string)
	b := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": a})
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": b}, "AlreadyExistsException",
		"An alias with the name arn:aws:kms:us-east-1:111122223333:alias/lab already exists")
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "lab", "TargetKeyId": b}, "ValidationException", "Invalid identifier")
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/aws/lab", "TargetKeyId": b}, "NotAuthorizedException", "")
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/two", "TargetKeyId": "alias/lab"}, "ValidationException", "Aliases must refer to keys. Not aliases")
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/sp ace", "TargetKeyId": b}, "ValidationException",
		"1 validation error detected: Value 'alias/sp ace' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
	f.fails(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/x", "TargetKeyId": "11111111-2222-3333-4444-555555555555"}, "NotFoundException", "")
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/other", "TargetKeyId": b})

	list := func(in map[string]any) []string {
		var names []string
		for _, e := range f.must(f.admin, "ListAliases", in)["Aliases"].([]any) {
			m := e.(map[string]any)
			if strings.HasPrefix(m["AliasName"].(string), "alias/aws/") {
				continue // predefined, see TestPredefinedAliases
			}
			names = append(names, m["AliasName"].(string)+"->"+m["TargetKeyId"].(string))
		}
		return names
	}
	if got := list(map[string]any{}); strings.Join(got, ",") != "alias/lab->"+a+",alias/other->"+b {
		t.Fatalf("ListAliases = %v", got)
	}
	if got := list(map[string]any{"KeyId": b}); strings.Join(got, ",") != "alias/other->"+b {
		t.Fatalf("ListAliases(KeyId) = %v", got)
	}
	f.must(f.admin, "UpdateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": b})
	if got := list(map[string]any{"KeyId": b}); len(got) != 2 {
		t.Fatalf("after UpdateAlias: %v", got)
	}
	f.fails(f.admin, "UpdateAlias", map[string]any{"AliasName": "alias/none", "TargetKeyId": b}, "NotFoundException",
		"Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.")
	f.must(f.admin, "DeleteAlias", map[string]any{"AliasName": "alias/lab"})
	f.fails(f.admin, "DeleteAlias", map[string]any{"AliasName": "alias/lab"}, "NotFoundException",
		"Alias arn:aws:kms:us-east-1:111122223333:alias/lab is not found.")
	// The user's AmazonDynamoDBFullAccess allows ListAliases but not CreateAlias.
	f.must(f.user, "ListAliases", map[string]any{})
	f.fails(f.user, "CreateAlias", map[string]any{"AliasName": "alias/mine", "TargetKeyId": a}, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:CreateAlias on resource: arn:aws:kms:us-east-1:111122223333:alias/mine because no identity-based policy allows the kms:CreateAlias action")
}

func TestListPaging(t *testing.T) {
	f := newFixture(t, Options{})
	var ids []string
	for range 5 {
		ids = append(ids, f.createKey("")["KeyId"].(string))
	}
	var got []string
	in := map[string]any{"Limit": 2}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		out := f.must(f.admin, "ListKeys", in)
		for _, k := range out["Keys"].([]any) {
			got = append(got, k.(map[string]any)["KeyId"].(string))
		}
		if out["Truncated"] != true {
			break
		}
		in["Marker"] = out["NextMarker"]
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("paged keys %v, want %v", got, ids)
	}
	f.fails(f.admin, "ListKeys", map[string]any{"Marker": "zzz"}, "InvalidMarkerException", "")
	f.fails(f.admin, "ListKeys", map[string]any{"Limit": 0}, "ValidationException",
		"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

func TestTagsAndRotation(t *testing.T) {
	f := newFixture(t, Options{})
	md := f.must(f.admin, "CreateKey", map[string]any{"Tags": []map[string]string{{"TagKey": "kmslab:run", "TagValue": "abc"}}})["KeyMetadata"].(map[string]any)
	id := md["KeyId"].(string)
	f.must(f.admin, "TagResource", map[string]any{"KeyId": id, "Tags": []map[string]string{{"TagKey": "a", "TagValue": "1"}}})
	tags, _ := json.Marshal(f.must(f.admin, "ListResourceTags", map[string]any{"KeyId": id})["Tags"])
	if string(tags) != `[{"TagKey":"a","TagValue":"1"},{"TagKey":"kmslab:run","TagValue":"abc"}]` {
		t.Fatalf("tags %s", tags)
	}
	f.must(f.admin, "UntagResource", map[string]any{"KeyId": id, "TagKeys": []string{"a"}})
	tags, _ = json.Marshal(f.must(f.admin, "ListResourceTags", map[string]any{"KeyId": id})["Tags"])
	if string(tags) != `[{"TagKey":"kmslab:run","TagValue":"abc"}]` {
		t.Fatalf("tags after untag %s", tags)
	}
	f.fails(f.admin, "TagResource", map[string]any{"KeyId": id, "Tags": []map[string]string{{"TagKey": "aws:x", "TagValue": "1"}}}, "TagException", "")
	if st := f.must(f.admin, "GetKeyRotationStatus", map[string]any{"KeyId": id}); st["KeyRotationEnabled"] != false {
		t.Fatalf("rotation %v", st)
	}
	f.must(f.admin, "EnableKeyRotation", map[string]any{"KeyId": id})
	st := f.must(f.admin, "GetKeyRotationStatus", map[string]any{"KeyId": id})
	if st["KeyRotationEnabled"] != true || st["RotationPeriodInDays"] != float64(365) {
		t.Fatalf("rotation %v", st)
	}
	f.must(f.admin, "DisableKeyRotation", map[string]any{"KeyId": id})
	if st := f.must(f.admin, "GetKeyRotationStatus", map[string]any{"KeyId": id}); st["KeyRotationEnabled"] != false {
		t.Fatalf("rotation %v", st)
	}
}

func TestDeterministicUnderSeed(t *testing.T) {
	run := func() (string, any) {
		f := newFixture(t, Options{})
		id := f.createKey("")["KeyId"].(string)
		return id, f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"]
	}
	id1, blob1 := run()
	id2, blob2 := run()
	if id1 != id2 || blob1 != blob2 {
		t.Fatalf("seeded runs differ: %s %s", id1, id2)
	}
}
