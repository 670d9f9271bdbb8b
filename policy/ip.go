package policy

import (
	"net/netip"
	"strings"
)

// IpAddress matches a request address against CIDR ranges or single addresses.
var ipOperators = []opSpec{
	{name: "IpAddress", m: ipInRange{}},
	{name: "NotIpAddress", m: ipInRange{}, negated: true},
}

type ipInRange struct{}

func (ipInRange) matches(v string, p pattern) bool {
	addr, err := netip.ParseAddr(strings.TrimSpace(v))
	if err != nil {
		return false
	}
	r := strings.TrimSpace(p.text())
	if !strings.Contains(r, "/") {
		want, err := netip.ParseAddr(r)
		return err == nil && want == addr.Unmap()
	}
	prefix, err := netip.ParsePrefix(r)
	return err == nil && prefix.Contains(addr.Unmap())
}
