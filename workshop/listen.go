package workshop

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// Listening says where the workshop listens and who can reach it, for the
// line printed on start and the dashboard's header.
type Listening struct {
	Addr string // as bound, e.g. 0.0.0.0:2222
	Port int
	// Beyond says whether machines other than this one can connect: the
	// address is not a loopback one.
	Beyond bool
	// IPs are this machine's non-loopback addresses, when it listens on all
	// of them (0.0.0.0 or ::) or on one of them.
	IPs []string
}

// Describe tells where addr (a bound listener's address) can be reached
// from; ifaceAddrs are this machine's interface addresses (net.InterfaceAddrs).
func Describe(addr net.Addr, ifaceAddrs []net.Addr) Listening {
	l := Listening{Addr: addr.String()}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return l
	}
	l.Port = tcp.Port
	switch {
	case tcp.IP.IsLoopback():
		return l
	case tcp.IP.IsUnspecified():
		l.Beyond = true
		for _, a := range ifaceAddrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() && n.IP.To4() != nil {
				l.IPs = append(l.IPs, n.IP.String())
			}
		}
		slices.Sort(l.IPs)
	default:
		l.Beyond = true
		l.IPs = []string{tcp.IP.String()}
	}
	return l
}

// Sentence is the start line: the address and whether it listens beyond loopback.
func (l Listening) Sentence() string {
	if !l.Beyond {
		return fmt.Sprintf("listening on %s, loopback only: no other machine can connect (--addr 0.0.0.0:%d opens it to the room).", l.Addr, l.Port)
	}
	s := fmt.Sprintf("listening on %s, beyond loopback: any machine that can reach this one can connect", l.Addr)
	if len(l.IPs) > 0 {
		s += " (" + strings.Join(l.IPs, ", ") + ")"
	}
	return s + "."
}

// Command is what attendees type.
func (l Listening) Command() string {
	host := "localhost"
	if len(l.IPs) > 0 {
		host = l.IPs[0]
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	if l.Port == 22 {
		return "ssh " + host
	}
	return "ssh -p " + strconv.Itoa(l.Port) + " " + host
}
