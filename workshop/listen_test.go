package workshop

import (
	"net"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	t.Parallel()
	ifaces := []net.Addr{
		&net.IPNet{IP: net.ParseIP("127.0.0.1"), Mask: net.CIDRMask(8, 32)},
		&net.IPNet{IP: net.ParseIP("192.168.1.20"), Mask: net.CIDRMask(24, 32)},
		&net.IPNet{IP: net.ParseIP("10.0.0.5"), Mask: net.CIDRMask(8, 32)},
		&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
	}
	for _, tc := range []struct {
		addr     *net.TCPAddr
		beyond   bool
		sentence string
		command  string
	}{
		{&net.TCPAddr{IP: net.IPv4zero, Port: 2222}, true,
			"listening on 0.0.0.0:2222, beyond loopback: any machine that can reach this one can connect (10.0.0.5, 192.168.1.20).",
			"ssh -p 2222 10.0.0.5"},
		{&net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 2322}, false,
			"listening on 127.0.0.1:2322, loopback only: no other machine can connect (--addr 0.0.0.0:2322 opens it to the room).",
			"ssh -p 2322 localhost"},
		{&net.TCPAddr{IP: net.ParseIP("192.168.1.20"), Port: 22}, true,
			"listening on 192.168.1.20:22, beyond loopback: any machine that can reach this one can connect (192.168.1.20).",
			"ssh 192.168.1.20"},
	} {
		l := Describe(tc.addr, ifaces)
		if l.Beyond != tc.beyond || l.Sentence() != tc.sentence || l.Command() != tc.command {
			t.Errorf("%s: beyond %v %q %q", tc.addr, l.Beyond, l.Sentence(), l.Command())
		}
		if strings.Count(l.Sentence(), ". ") != 0 {
			t.Errorf("%q is more than one sentence", l.Sentence())
		}
	}
}
