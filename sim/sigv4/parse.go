package sigv4

import (
	"strings"
)

// ParseAuthorization parses an Authorization header of the form
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=a;b, Signature=hex
//
// A malformed header yields an *Error of Kind Incomplete worded as AWS does.
// It never panics, whatever the input.
func ParseAuthorization(h string) (Params, error) {
	p, problems := parseAuthorization(h)
	if len(problems) > 0 {
		return p, incomplete(problems, h)
	}
	if err := checkScope(p); err != nil {
		return p, err
	}
	return p, nil
}

// parseAuthorization returns what it could parse and every problem found, so
// the caller can add its own (a missing date) before reporting them together.
func parseAuthorization(h string) (Params, []string) {
	var p Params
	algo, rest, _ := strings.Cut(strings.TrimSpace(h), " ")

	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Credential":
			cred, haveCred = v, true
		case "SignedHeaders":
			signed, haveSigned = v, true
		case "Signature":
			sig, haveSig = v, true
		}
	}

	var problems []string
	if !haveCred {
		problems = append(problems, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig {
		problems = append(problems, "Authorization header requires 'Signature' parameter.")
	}
	if !haveSigned {
		problems = append(problems, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(problems) > 0 {
		return p, problems
	}

	if algo != Algorithm {
		return p, []string{"Unsupported AWS 'algorithm': '" + algo + "'."}
	}
	if msg := p.setCredential(cred); msg != "" {
		return p, []string{msg}
	}
	if signed == "" || strings.Contains(";"+signed+";", ";;") {
		return p, []string{"Authorization header has an empty name in 'SignedHeaders': '" + signed + "'."}
	}
	if sig == "" {
		return p, []string{"Authorization header has an empty 'Signature'."}
	}
	p.SignedHeaders = strings.Split(signed, ";")
	p.Signature = sig
	return p, nil
}

// setCredential fills the key id and scope from AKID/date/region/service/aws4_request
// and returns a problem description, or "" when the credential is well formed.
func (p *Params) setCredential(cred string) string {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "Credential '" + cred + "' is malformed; expected <AccessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request."
	}
	if parts[4] != "aws4_request" {
		return "Credential should be scoped with a valid terminator: 'aws4_request', not '" + parts[4] + "'."
	}
	if parts[0] == "" {
		return "Credential '" + cred + "' has an empty access key id."
	}
	p.AccessKeyID, p.Date, p.Region, p.Service = parts[0], parts[1], parts[2], parts[3]
	return ""
}
