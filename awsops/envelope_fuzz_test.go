package awsops

import (
	"bytes"
	"encoding/base64"
	"maps"
	"testing"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// An envelope item comes back from a table anyone with DynamoDB access may
// write: reading one must never panic, and what it accepts must be what
// item would have written.
func FuzzEnvelopeItem(f *testing.F) {
	f.Add("envelope-1", "tenant=acme", base64.StdEncoding.EncodeToString([]byte("key")), base64.StdEncoding.EncodeToString(make([]byte, 12)), base64.StdEncoding.EncodeToString(make([]byte, 20)))
	f.Add("x", "a=b,a=c", "", "", "")
	f.Add("x", "=v", "!!", "AAAA", "AAAA")
	f.Fuzz(func(t *testing.T, id, ctx, key, nonce, ct string) {
		m := map[string]ddbtypes.AttributeValue{
			"id": &ddbtypes.AttributeValueMemberS{Value: id}, "alg": &ddbtypes.AttributeValueMemberS{Value: LocalCipher},
			"context":       &ddbtypes.AttributeValueMemberS{Value: ctx},
			"encrypted_key": &ddbtypes.AttributeValueMemberS{Value: key},
			"nonce":         &ddbtypes.AttributeValueMemberS{Value: nonce},
			"ciphertext":    &ddbtypes.AttributeValueMemberS{Value: ct},
		}
		e, err := fromItem(m)
		if err != nil {
			return
		}
		back, err := fromItem(e.item())
		if err != nil {
			t.Fatalf("an envelope read back does not read again: %v", err)
		}
		if back.ID != e.ID || !maps.Equal(back.Context, e.Context) || !bytes.Equal(back.EncryptedKey, e.EncryptedKey) ||
			!bytes.Equal(back.Nonce, e.Nonce) || !bytes.Equal(back.Ciphertext, e.Ciphertext) {
			t.Fatalf("round trip changed the envelope: %+v -> %+v", e, back)
		}
	})
}

// Sealing and opening agree, and the envelope id is bound to the ciphertext.
func TestEnvelopeSealOpen(t *testing.T) {
	t.Parallel()
	dk := DataKey{plaintext: bytes.Repeat([]byte{7}, 32), Context: map[string]string{"tenant": "acme"}, Encrypted: []byte("blob")}
	if s := dk.String(); bytes.Contains([]byte(s), dk.plaintext) || !bytes.Contains([]byte(s), []byte("redacted")) {
		t.Fatalf("String shows %q", s)
	}
	key := bytes.Clone(dk.plaintext)
	e, err := dk.Seal("envelope-1", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if dk.plaintext != nil || dk.Fingerprint() != "" {
		t.Fatal("the data key was not forgotten after sealing")
	}
	if pt, err := e.openLocally(key); err != nil || string(pt) != "secret" {
		t.Fatalf("open: %q %v", pt, err)
	}
	moved := e
	moved.ID = "envelope-2"
	if _, err := moved.openLocally(key); err == nil {
		t.Fatal("a ciphertext moved to another envelope opened")
	}
	if _, err := dk.Seal("again", []byte("x")); err == nil {
		t.Fatal("sealed twice with one data key")
	}
}
