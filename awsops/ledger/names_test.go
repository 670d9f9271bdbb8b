package ledger

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func TestNewNames(t *testing.T) {
	n := NewNames("ab12cd")
	want := Names{RunID: "ab12cd", Alias: "alias/kmslab-ab12cd", Table: "kmslab-ab12cd", User: "kmslab-user-ab12cd", Prefix: "kmslab-ab12cd-"}
	if n != want {
		t.Fatalf("NewNames = %+v, want %+v", n, want)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("broken") }

func TestNewRunID(t *testing.T) {
	seeded := bytes.Repeat([]byte{0, 1, 25, 26, 35, 36}, 2)
	tests := []struct {
		name string
		r    func() *bytes.Reader
		want string
	}{
		{"seeded bytes map onto the alphabet", func() *bytes.Reader { return bytes.NewReader(seeded) }, "abz09a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewRunID(tt.r()); got != tt.want {
				t.Fatalf("NewRunID = %q, want %q", got, tt.want)
			}
		})
	}
	for _, r := range []interface{ Read([]byte) (int, error) }{rand.Reader, failingReader{}, bytes.NewReader([]byte{1})} {
		id := NewRunID(r)
		if len(id) != 6 || !ValidRunID(id) {
			t.Errorf("NewRunID(%T) = %q: want 6 valid characters", r, id)
		}
	}
	if a, b := NewRunID(rand.Reader), NewRunID(rand.Reader); a == b {
		t.Errorf("two random run ids are equal: %q", a)
	}
}

func TestValidRunID(t *testing.T) {
	for id, want := range map[string]bool{
		"abc123": true, "a": true, "01234567890123456789": true,
		"": false, "ABC": false, "ab-c": false, "ab/../c": false, "012345678901234567890": false, "é": false,
	} {
		if got := ValidRunID(id); got != want {
			t.Errorf("ValidRunID(%q) = %v, want %v", id, got, want)
		}
	}
}
