package partition

import "strings"

// PrincipalKind is what an IAM principal's ARN names.
type PrincipalKind int

const (
	NotPrincipal PrincipalKind = iota // not an ARN of a caller the lab knows
	User                              // arn:P:iam::ACCT:user/PATH/NAME
	Role                              // arn:P:iam::ACCT:role/PATH/NAME
	RoleSession                       // arn:P:sts::ACCT:assumed-role/ROLE/SESSION (SSO among them)
	Federated                         // arn:P:sts::ACCT:federated-user/NAME
	Root                              // arn:P:iam::ACCT:root
)

// Principal is a caller's ARN taken apart, the one reading of it for the
// lab (who it runs as), the preflight (which condition keys it carries)
// and the explainer (whom a trace is for).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
type Principal struct {
	Partition string
	Account   string
	Kind      PrincipalKind
	// Name is the user's, role's or federated user's name: the last
	// segment of a path (a role session's role has no path in its ARN).
	Name    string
	Session string // a role session's name; empty when the ARN lacks one
}

// ParsePrincipal takes arn apart; ok is false when it has not the six
// parts of an ARN. An ARN of anything but a caller is Kind NotPrincipal.
func ParsePrincipal(arn string) (p Principal, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return Principal{}, false
	}
	p = Principal{Partition: parts[1], Account: parts[4]}
	service, res := parts[2], parts[5]
	last := res[strings.LastIndexByte(res, '/')+1:]
	switch {
	case service == "iam" && res == "root":
		p.Kind = Root
	case service == "iam" && strings.HasPrefix(res, "user/"):
		p.Kind, p.Name = User, last
	case service == "iam" && strings.HasPrefix(res, "role/"):
		p.Kind, p.Name = Role, last
	case service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		p.Kind = RoleSession
		p.Name, p.Session, _ = strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
	case service == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.Kind, p.Name = Federated, strings.TrimPrefix(res, "federated-user/")
	}
	return p, true
}

// RoleARN is the ARN of a role session's role as policies name it, when
// IAM cannot be asked for its path.
func (p Principal) RoleARN() string {
	return "arn:" + p.Partition + ":iam::" + p.Account + ":role/" + p.Name
}
