package awsops

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/partition"
	"kmslab/policy"
)

// PreflightResult is what the preflight found before anything is created:
// the actions the caller will surely be refused, and, one sentence each,
// what it could not decide (the lab goes on with those).
type PreflightResult struct {
	Missing []string
	// ByOrganization are the missing actions that a service control policy
	// of the account's organization denies, as the simulator reports it
	// (OrganizationsDecisionDetail): no policy of the caller can grant them.
	ByOrganization []string
	Warnings       []string
}

// Preflight asks IAM's policy simulator whether the admin may call each of
// actions (the lab's declared needs, steps.Lab.Actions), as the calls will
// really be made:
//   - with the condition keys the lab knows for this caller (the region,
//     HTTPS, who the caller is, the time; aws:MultiFactorAuthPresent only
//     for temporary credentials, where AWS sets it; aws:SourceIp is not
//     guessed),
//   - on the resources the run will name (its table, its user, its
//     policies, its key once it exists),
//   - leaving to the key policy what the lab's key policy grants the admin
//     by name (a KMS action on the lab's own key is refused only by an
//     explicit deny).
//
// The account root needs no check. Where the simulator cannot decide (a
// federated user, whom it refuses; whether a session used MFA; a caller
// who may not run the simulator), it warns and the lab goes on: a step that
// is refused then says which permission it lacked.
func (l *Lab) Preflight(ctx context.Context, actions []string) (PreflightResult, error) {
	const op = "check the admin's permissions"
	var res PreflightResult
	id, err := l.identity(ctx)
	if err != nil {
		return res, err
	}
	kind := callerKind(id.ARN)
	switch kind {
	case callerRoot:
		return res, nil
	case callerFederated:
		res.Warnings = append(res.Warnings, "IAM's policy simulator cannot check a federated user's permissions ("+id.ARN+
			"), so kmslab goes on without checking them; a step that is refused will say which permission it lacks.")
		return res, nil
	}
	principal, err := l.adminPrincipal(ctx)
	if err != nil {
		return res, err
	}
	temporary := false
	if c, err := l.cfg.Credentials.Retrieve(ctx); err == nil {
		temporary = c.SessionToken != ""
	}
	base := l.preflightContext(id, principal, kind)
	groups := l.byResource(id, principal, actions)
	decided := map[string]simResult{}
	withoutMFA := map[string]simResult{}
	for _, g := range groups {
		entries := base
		if temporary {
			// AWS sets aws:MultiFactorAuthPresent for temporary credentials
			// only; whether this session used MFA is not knowable here, so
			// both answers are asked for.
			entries = append(slices.Clone(base), boolEntry("aws:MultiFactorAuthPresent", true))
		}
		out, err := l.simulate(ctx, principal, g.resource, g.actions, entries)
		if awserr.IsCode(err, "AccessDenied", "AccessDeniedException") {
			res.Warnings = append(res.Warnings, "You may not call iam:SimulatePrincipalPolicy, so kmslab cannot check your permissions before it starts; "+
				"it goes on, and a step that is refused will say which permission it lacks.")
			return PreflightResult{Warnings: res.Warnings}, nil
		}
		if awserr.IsCode(err, "NoSuchEntity", "InvalidInput") {
			res.Warnings = append(res.Warnings, "IAM's policy simulator does not know "+principal+
				", so kmslab goes on without checking your permissions; a step that is refused will say which permission it lacks.")
			return PreflightResult{Warnings: res.Warnings}, nil
		}
		if err != nil {
			return res, awserr.Fail(op, principal, err)
		}
		for a, d := range out {
			decided[a] = d
		}
		if temporary {
			out, err := l.simulate(ctx, principal, g.resource, g.actions, append(slices.Clone(base), boolEntry("aws:MultiFactorAuthPresent", false)))
			if err != nil {
				return res, awserr.Fail(op, principal, err)
			}
			for a, d := range out {
				withoutMFA[a] = d
			}
		}
	}
	var needMFA []string
	l.simAllowed = map[string]bool{}
	for _, a := range actions {
		r, ok := decided[a]
		d := r.decision
		switch {
		case !ok, d == iamtypes.PolicyEvaluationDecisionTypeAllowed:
			l.simAllowed[a] = ok
			if w, asked := withoutMFA[a]; temporary && asked && w.decision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
				needMFA = append(needMFA, a)
			}
		case d == iamtypes.PolicyEvaluationDecisionTypeImplicitDeny && l.keyPolicyGrants(a) && !r.byOrganization:
			// The lab's key policy names the admin for this action.
		default:
			res.Missing = append(res.Missing, a)
			if r.byOrganization {
				res.ByOrganization = append(res.ByOrganization, a)
			}
		}
	}
	if len(needMFA) > 0 {
		res.Warnings = append(res.Warnings, "Your policies allow "+strconv.Itoa(len(needMFA))+" of the lab's actions (such as "+needMFA[0]+
			") only with MFA, and kmslab cannot tell whether this session signed in with MFA; it goes on, and if it did not, those steps will be refused.")
	}
	slices.Sort(res.Missing)
	return res, nil
}

// The kinds of caller the preflight tells apart, from the caller's ARN.
type callerType int

const (
	callerUser      callerType = iota // arn:…:iam::ACCT:user/…
	callerRole                        // arn:…:sts::ACCT:assumed-role/ROLE/SESSION (SSO among them)
	callerFederated                   // arn:…:sts::ACCT:federated-user/NAME
	callerRoot                        // arn:…:iam::ACCT:root
)

func callerKind(arn string) callerType {
	p, _ := partition.ParsePrincipal(arn)
	switch p.Kind {
	case partition.Root:
		return callerRoot
	case partition.RoleSession:
		return callerRole
	case partition.Federated:
		return callerFederated
	}
	return callerUser
}

// preflightContext is the condition keys the lab's calls will carry, built
// as every request's are (policy.RequestContext), plus aws:RequestedRegion:
// what AWS would set for this caller, never a guess (aws:SourceIp is not
// known here).
func (l *Lab) preflightContext(id Identity, principal string, kind callerType) []iamtypes.ContextEntry {
	who := policy.Caller{ARN: id.ARN, Account: id.Account, UserID: id.UserID}
	switch kind {
	case callerUser:
		who.UserName = id.ARN[strings.LastIndexByte(id.ARN, '/')+1:]
	case callerRole:
		who.RoleARN = principal
	}
	c := policy.RequestContext(policy.RequestFacts{Caller: who, Time: l.now(), Secure: explain.SecureEndpoint(l.cfg)})
	keys := slices.Sorted(maps.Keys(c))
	out := make([]iamtypes.ContextEntry, 0, len(keys)+1)
	for _, k := range keys {
		typ := iamtypes.ContextKeyTypeEnumString
		switch policy.Key(k) {
		case policy.KeySecureTransport:
			typ = iamtypes.ContextKeyTypeEnumBoolean
		case policy.KeyCurrentTime:
			typ = iamtypes.ContextKeyTypeEnumDate
		}
		out = append(out, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyValues: c[k], ContextKeyType: typ})
	}
	return append(out, iamtypes.ContextEntry{ContextKeyName: aws.String("aws:RequestedRegion"), ContextKeyValues: []string{l.cfg.Region},
		ContextKeyType: iamtypes.ContextKeyTypeEnumString})
}

func boolEntry(name string, v bool) iamtypes.ContextEntry {
	return iamtypes.ContextEntry{ContextKeyName: aws.String(name), ContextKeyValues: []string{strconv.FormatBool(v)}, ContextKeyType: iamtypes.ContextKeyTypeEnumBoolean}
}

// actionGroup is actions simulated on one resource.
type actionGroup struct {
	resource string
	actions  []string
}

// byResource groups actions by the resource the run will call them on, in
// a stable order.
func (l *Lab) byResource(id Identity, principal string, actions []string) []actionGroup {
	p, acct, region := l.partition, id.Account, l.cfg.Region
	if p == "" {
		p = partition.Of(id.ARN)
	}
	resourceOf := func(a string) string {
		service, name, _ := strings.Cut(a, ":")
		switch service {
		case "dynamodb":
			if name != "ListTables" {
				return "arn:" + p + ":dynamodb:" + region + ":" + acct + ":table/" + l.names.Table
			}
		case "iam":
			switch {
			case strings.Contains(name, "User") || strings.Contains(name, "AccessKey") || name == "GetLoginProfile" || name == "ListMFADevices":
				return "arn:" + p + ":iam::" + acct + ":user/" + l.names.User
			case strings.Contains(name, "Polic") && name != "ListPolicies" && name != "SimulatePrincipalPolicy":
				return "arn:" + p + ":iam::" + acct + ":policy/" + l.names.Prefix + "*"
			case name == "GetRole" && callerKind(id.ARN) == callerRole:
				return principal
			}
		case "kms":
			switch name {
			case "CreateKey", "ListKeys", "ListAliases":
			case "CreateAlias", "DeleteAlias":
				return "arn:" + p + ":kms:" + region + ":" + acct + ":" + l.names.Alias
			default:
				if l.keyARN != "" {
					return l.keyARN
				}
			}
		}
		return "*"
	}
	var groups []actionGroup
	index := map[string]int{}
	for _, a := range actions {
		r := resourceOf(a)
		i, ok := index[r]
		if !ok {
			i = len(groups)
			index[r] = i
			groups = append(groups, actionGroup{resource: r})
		}
		groups[i].actions = append(groups[i].actions, a)
	}
	return groups
}

// keyPolicyGrants reports whether action is one on the lab's own key that
// its key policy grants the admin by name (awsops/policydoc/key_users.go writes the
// console's policy with the admin as key administrator and user).
func (l *Lab) keyPolicyGrants(action string) bool {
	service, name, _ := strings.Cut(action, ":")
	if service != "kms" {
		return false
	}
	switch name {
	case "CreateKey", "ListKeys", "ListAliases", "CreateAlias", "DeleteAlias":
		return false // not on the key alone
	}
	return policy.ConsoleGrantsNamed(action)
}

// simResult is the simulator's answer about one action.
type simResult struct {
	decision       iamtypes.PolicyEvaluationDecisionType
	byOrganization bool // a service control policy denies it
}

// simulate asks IAM's simulator about actions on resource, as principal
// with entries, and returns each action's decision.
func (l *Lab) simulate(ctx context.Context, principal, resource string, actions []string, entries []iamtypes.ContextEntry) (map[string]simResult, error) {
	in := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(principal),
		ActionNames:     actions,
		ContextEntries:  entries,
	}
	if resource != "*" {
		in.ResourceArns = []string{resource}
	}
	out := map[string]simResult{}
	p := iam.NewSimulatePrincipalPolicyPaginator(l.iam, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.EvaluationResults {
			org := r.OrganizationsDecisionDetail != nil && !r.OrganizationsDecisionDetail.AllowedByOrganizations
			out[aws.ToString(r.EvalActionName)] = simResult{decision: r.EvalDecision, byOrganization: org}
		}
	}
	return out, nil
}

// refusedDespitePolicies words an access denial of an action IAM's
// simulator found allowed at the preflight: the caller's own policies allow
// it, so what refuses it lies outside them, most often a service control
// policy of the organization (some forbid IAM users). It returns nil for
// any other error.
func (l *Lab) refusedDespitePolicies(op, resource string, err error) error {
	if !awserr.IsCode(err, "AccessDenied", "AccessDeniedException") {
		return nil
	}
	action := awserr.CalledAction(err)
	if action == "" || !l.simAllowed[action] {
		return nil
	}
	return &awserr.Error{Op: op, Resource: resource, Code: awserr.Code(err), Err: err,
		Message: "AWS refused " + action + " although your IAM policies allow it, so something outside them denies it, most likely a service control policy of your organization (some forbid IAM users)",
		Hint:    "Ask your organization's administrator for an exception, or run the lab in an account where IAM users may be created"}
}
