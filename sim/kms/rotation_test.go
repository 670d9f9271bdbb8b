package kms

import (
	"encoding/base64"
	"testing"
)

// A rotated key decrypts what every earlier material sealed, seals with the
// newest, and lists its rotations; the limit and the refusals are AWS's.
func TestRotateKeyOnDemand(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	ctx := map[string]any{"purpose": "lab"}
	seal := func() string {
		return f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": []byte("secret"), "EncryptionContext": ctx})["CiphertextBlob"].(string)
	}
	opens := func(blob string) {
		t.Helper()
		out := f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx})
		if pt, _ := base64.StdEncoding.DecodeString(out["Plaintext"].(string)); string(pt) != "secret" {
			t.Fatalf("decrypted %q", pt)
		}
	}
	before := seal()
	if got := f.must(f.admin, "ListKeyRotations", map[string]any{"KeyId": id})["Rotations"].([]any); len(got) != 0 {
		t.Fatalf("rotations before any: %v", got)
	}
	if out := f.must(f.admin, "RotateKeyOnDemand", map[string]any{"KeyId": id}); out["KeyId"] != id {
		t.Fatalf("RotateKeyOnDemand returned %v", out)
	}
	after := seal()
	opens(before)
	opens(after)
	raw := func(b string) []byte { d, _ := base64.StdEncoding.DecodeString(b); return d }
	if raw(before)[0] != blobVersion || raw(after)[0] != blobVersionRotated {
		t.Fatalf("blob versions %d, %d", raw(before)[0], raw(after)[0])
	}
	// A wrong context still fails after rotation, whatever the material.
	f.fails(f.admin, "Decrypt", map[string]any{"CiphertextBlob": before, "EncryptionContext": map[string]any{"purpose": "other"}}, "InvalidCiphertextException", "")

	rots := f.must(f.admin, "ListKeyRotations", map[string]any{"KeyId": id})["Rotations"].([]any)
	if len(rots) != 1 {
		t.Fatalf("rotations: %v", rots)
	}
	r := rots[0].(map[string]any)
	if r["RotationType"] != "ON_DEMAND" || r["KeyMaterialState"] != "CURRENT" || len(r["KeyMaterialId"].(string)) != 64 || r["RotationDate"] == nil {
		t.Fatalf("rotation entry %v", r)
	}
	all := f.must(f.admin, "ListKeyRotations", map[string]any{"KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"})["Rotations"].([]any)
	if len(all) != 2 || all[0].(map[string]any)["KeyMaterialState"] != "NON_CURRENT" {
		t.Fatalf("all key material: %v", all)
	}
	for i := 1; i < maxOnDemandRotations; i++ {
		f.must(f.admin, "RotateKeyOnDemand", map[string]any{"KeyId": id})
	}
	f.fails(f.admin, "RotateKeyOnDemand", map[string]any{"KeyId": id}, "LimitExceededException", "")
	opens(before)

	f.fails(f.user, "RotateKeyOnDemand", map[string]any{"KeyId": id}, "AccessDeniedException", "")
	f.fails(f.admin, "ListKeyRotations", map[string]any{"KeyId": id, "IncludeKeyMaterial": "SOME"}, "ValidationException", "")
	other := f.createKey("")["KeyId"].(string)
	f.must(f.admin, "DisableKey", map[string]any{"KeyId": other})
	f.fails(f.admin, "RotateKeyOnDemand", map[string]any{"KeyId": other}, "DisabledException", "")
}

// A data dir written after a rotation restores every material.
func TestRotationSurvivesRestore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	before := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": []byte("x")})["CiphertextBlob"]
	f.must(f.admin, "RotateKeyOnDemand", map[string]any{"KeyId": id})
	st, err := f.svc.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RestoreState(st); err != nil {
		t.Fatal(err)
	}
	f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": before})
	if n := len(f.must(f.admin, "ListKeyRotations", map[string]any{"KeyId": id})["Rotations"].([]any)); n != 1 {
		t.Fatalf("%d rotations after restore", n)
	}
}
