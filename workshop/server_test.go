package workshop

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"kmslab/steps"
)

// TestHostKeyMadeOnceAndPrivate: the first start makes the host key (0600,
// in a 0700 state directory), later starts reuse it, so attendees'
// known_hosts stay valid.
func TestHostKeyMadeOnceAndPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", HostKeyFile)
	cfg := Config{HostKeyPath: path, Room: NewRoom(steps.All(), nil, nil),
		Open: func(context.Context, Attendee) (Lab, error) { return Lab{}, nil }}
	key := func() []byte {
		if _, err := New(cfg); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("host key mode %o, want 600", st.Mode().Perm())
		}
		return b
	}
	first, second := key(), key()
	if string(first) != string(second) {
		t.Error("the host key changed between starts")
	}
	signer, err := gossh.ParsePrivateKey(first)
	if err != nil {
		t.Fatal(err)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s", signer.PublicKey().Type())
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %o, want 700", st.Mode().Perm())
	}
}

// TestFilterRequests: window changes fold into the latest while the
// session is not taking requests; agent and X11 requests are refused; and
// the reading side never blocks.
func TestFilterRequests(t *testing.T) {
	t.Parallel()
	in := make(chan *gossh.Request)
	out := make(chan *gossh.Request)
	go filterRequests(in, out)
	send := func(typ string, payload byte) { in <- &gossh.Request{Type: typ, Payload: []byte{payload}} }
	send("pty-req", 0)
	for i := range 1000 { // nobody reads out meanwhile: none of these may block
		send("window-change", byte(i))
	}
	send("auth-agent-req@openssh.com", 0)
	send("x11-req", 0)
	send("shell", 0)
	close(in)
	var got []string
	var last byte
	for r := range out {
		got = append(got, r.Type)
		if r.Type == "window-change" {
			last = r.Payload[0]
		}
	}
	want := []string{"pty-req", "shell", "window-change"}
	if len(got) != len(want) {
		t.Fatalf("passed on %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("passed on %v, want %v", got, want)
		}
	}
	if last != byte(999%256) {
		t.Errorf("the window change passed on is #%d, want the latest", last)
	}
}
