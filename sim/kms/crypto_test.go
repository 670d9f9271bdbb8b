package kms

import (
	"bytes"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	material := bytes.Repeat([]byte{7}, 32)
	nonce := bytes.Repeat([]byte{9}, nonceSize)
	const id = "1234abcd-12ab-34cd-56ef-1234567890ab"
	ctx := map[string]string{"aws:dynamodb:tableName": "t", "aws:dynamodb:subscriberId": acct}
	for _, pt := range [][]byte{{0}, []byte("hello"), bytes.Repeat([]byte("x"), 4096)} {
		blob, err := seal(id, 0, material, nonce, pt, ctx)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(blob, pt) && len(pt) > 4 {
			t.Fatalf("plaintext visible in blob")
		}
		got, err := blobKeyID(blob)
		if err != nil || got != id {
			t.Fatalf("blobKeyID = %q, %v", got, err)
		}
		// The same context in another map order decrypts.
		back, err := open([][]byte{material}, blob, map[string]string{"aws:dynamodb:subscriberId": acct, "aws:dynamodb:tableName": "t"})
		if err != nil || !bytes.Equal(back, pt) {
			t.Fatalf("open = %q, %v", back, err)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	material := bytes.Repeat([]byte{7}, 32)
	const id = "1234abcd-12ab-34cd-56ef-1234567890ab"
	ctx := map[string]string{"purpose": "test"}
	blob, err := seal(id, 0, material, make([]byte, nonceSize), []byte("secret"), ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		material []byte
		blob     []byte
		ctx      map[string]string
	}{
		"no context":      {material, blob, nil},
		"other value":     {material, blob, map[string]string{"purpose": "Test"}},
		"extra pair":      {material, blob, map[string]string{"purpose": "test", "x": "y"}},
		"other material":  {bytes.Repeat([]byte{8}, 32), blob, ctx},
		"truncated":       {material, blob[:len(blob)-1], ctx},
		"empty":           {material, nil, ctx},
		"too short":       {material, blob[:10], ctx},
		"bad version":     {material, append([]byte{2}, blob[1:]...), ctx},
		"key id too long": {material, append([]byte{1, 200}, blob[2:]...), ctx},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if pt, err := open([][]byte{c.material}, c.blob, c.ctx); err == nil {
				t.Fatalf("opened to %q", pt)
			}
		})
	}
	// Flipping any single bit anywhere in the blob must fail authentication.
	for i := range blob {
		tampered := bytes.Clone(blob)
		tampered[i] ^= 0x01
		if _, err := open([][]byte{material}, tampered, ctx); err == nil {
			t.Fatalf("tampered byte %d accepted", i)
		}
	}
}

func TestCanonicalContextUnambiguous(t *testing.T) {
	a := canonicalContext(map[string]string{"ab": "c"})
	b := canonicalContext(map[string]string{"a": "bc"})
	if bytes.Equal(a, b) {
		t.Fatal("different contexts encode the same")
	}
	if len(canonicalContext(nil)) != 0 || !bytes.Equal(canonicalContext(nil), canonicalContext(map[string]string{})) {
		t.Fatal("empty and nil contexts differ")
	}
}
