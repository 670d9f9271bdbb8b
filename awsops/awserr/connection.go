package awserr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// ConnectionProblem reports whether err means AWS could not be reached at
// all (no network, a wrong --endpoint-url, a host name that does not
// resolve, an untrusted certificate), with one sentence saying what failed,
// why and what to do. Nothing can have been created by a call that never
// arrived, so it does not send the user to cleanup.
func ConnectionProblem(err error) (string, bool) {
	why, ok := unreachable(err)
	if !ok {
		return "", false
	}
	return "AWS could not be reached " + why + ": " + ConnectionHint + ".", true
}

// ConnectionHint is what to do when AWS could not be reached; a caller
// that rewords a hint keeps this one.
const ConnectionHint = "check your network connection, proxy settings and --endpoint-url, then try again"

// unreachable says where and why a request never reached AWS, from the
// errors the SDK wraps (url.Error around net and TLS errors).
func unreachable(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	where := ""
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			where = "at " + u.Host + " "
		}
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var nerr net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("%s(the host name %s does not resolve)", where, dns.Name), true
	case errors.As(err, &cert), errors.As(err, &unknownCA), errors.As(err, &hostname):
		return where + "(its TLS certificate is not trusted, as behind an intercepting proxy)", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return where + "(the connection was refused)", true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return where + "(no network route to it)", true
	case errors.As(err, &nerr) && nerr.Timeout() && !errors.Is(err, context.DeadlineExceeded):
		return where + "(it did not answer in time)", true
	case errors.As(err, &op):
		return where + "(the connection failed)", true
	}
	return "", false
}
