package explain

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"kmslab/awsops/awserr"
	"kmslab/awsops/partition"
	"kmslab/internal/sdkhttp"
	"kmslab/policy"
)

// TraceRequest names the decision to explain.
type TraceRequest struct {
	// Principal is an IAM user's name or ARN, a role as "role/NAME" or its
	// ARN, or a role session's ARN (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION).
	Principal string
	Action    string // "kms:Decrypt", or a DynamoDB action ("dynamodb:DescribeTable") with Table
	Key       string // key id, alias name ("alias/x") or ARN
	// Table is a DynamoDB table's name or ARN: the decision on Action (a
	// dynamodb: action) on the table, with its resource-based policy
	// taking part. Key is then unused: the table key's KMS decision is
	// separate, a trace of kms:Decrypt through DynamoDB.
	Table string
	// Via is the service acting for the caller ("dynamodb"): KMS then sees
	// kms:ViaService = dynamodb.<region>.amazonaws.com. Empty for a direct call.
	Via string
	// EncryptionContext is the request's encryption context: KMS sets
	// kms:EncryptionContext:<key> and kms:EncryptionContextKeys from it.
	EncryptionContext map[string]string
}

// Trace is a KMS decision evaluated locally from the documents AWS returned,
// beside IAM's policy simulator's answer.
type Trace struct {
	*policy.Trace
	// Simulator is SimulatePrincipalPolicy's decision ("allowed",
	// "implicitDeny", "explicitDeny"); empty when it could not be asked.
	Simulator string `json:",omitempty"`
	// Disagreement is a sentence, set when the simulator's decision differs
	// from the local one; whoever shows the trace must show it.
	Disagreement string `json:",omitempty"`
	// Missing has one sentence per permission the caller lacked, naming
	// what the trace could therefore not read or ask.
	Missing []string `json:",omitempty"`
}

// Explainer gathers the documents behind a KMS or DynamoDB decision with
// one account's clients.
type Explainer struct {
	KMS    *kms.Client
	IAM    *iam.Client
	DDB    *dynamodb.Client // for a decision on a table
	Region string
	// Secure is whether calls travel over TLS (aws:SecureTransport): always
	// on AWS, not on a plain-http endpoint such as kmslab serve's.
	Secure bool
	Now    func() time.Time // the request's time; nil leaves it unset
}

// New prepares read-only clients on cfg. It makes no AWS call.
func New(cfg aws.Config) *Explainer {
	cfg = awserr.WithProbe(sdkhttp.Guard(cfg))
	return &Explainer{KMS: kms.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg), DDB: dynamodb.NewFromConfig(cfg), Region: cfg.Region,
		Secure: SecureEndpoint(cfg), Now: time.Now}
}

// SecureEndpoint is whether calls on cfg travel over TLS: always on AWS,
// not on a plain-http endpoint.
func SecureEndpoint(cfg aws.Config) bool {
	return cfg.BaseEndpoint == nil || !strings.HasPrefix(strings.ToLower(*cfg.BaseEndpoint), "http://")
}

// Explain reads the key, its policy and grants, and the user's managed,
// inline and group policies (a role's managed and inline ones), evaluates the request with the policy engine
// the offline AWS enforces with, and asks IAM's policy simulator for
// comparison. It changes nothing. Documents it may not read are listed in
// Missing and in the trace; other failures are errors.
func (e *Explainer) Explain(ctx context.Context, r TraceRequest) (*Trace, error) {
	if r.Table != "" {
		return e.explainTable(ctx, r)
	}
	out := &Trace{}
	key, err := e.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(r.Key)})
	if err != nil {
		return nil, explainFail("key", r.Key, err)
	}
	md := key.KeyMetadata
	keyARN := aws.ToString(md.Arn)

	who, err := e.principal(ctx, r.Principal)
	if err != nil {
		return nil, explainFail("principal", r.Principal, err)
	}
	in := policy.Input{
		Request: policy.Request{
			PrincipalARN: who.arn,
			RoleARN:      who.roleARN,
			Action:       r.Action,
			Resource:     keyARN,
			Context:      e.requestContext(who, r),
		},
		KMS:      true,
		KeyState: string(md.KeyState),
	}

	keyPolicy := ""
	if p, err := e.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")}); err != nil {
		if !denied(err) {
			return nil, explainFail("key", keyARN, err)
		}
		in.ResourceUnreadable = "no permission for kms:GetKeyPolicy"
		out.Missing = append(out.Missing, "The key policy could not be read: the caller may not call kms:GetKeyPolicy on this key.")
	} else if keyPolicy = aws.ToString(p.Policy); keyPolicy != "" {
		doc, err := policy.Parse([]byte(keyPolicy))
		if err != nil {
			return nil, &awserr.Error{Op: "explain the decision on", Resource: keyARN, Message: "the key policy does not parse: " + err.Error(), Err: err}
		}
		in.Resource = doc
	}

	if err := e.identityPolicies(ctx, who, &in, out); err != nil {
		return nil, explainFail("principal", who.arn, err)
	}
	if err := e.grants(ctx, keyARN, &in, out); err != nil {
		return nil, explainFail("key", keyARN, err)
	}
	out.Trace = policy.Explain(in)
	e.simulate(ctx, who, in, keyPolicy, out)
	return out, nil
}

// explainTable is Explain for a DynamoDB action on a table: the caller's
// identity policies and the table's resource-based policy, evaluated with
// the same engine. Within one account a table policy statement naming the
// caller allows by itself ("Using resource-based policies for DynamoDB",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html;
// the policy is attached to the table's ARN, never its name).
func (e *Explainer) explainTable(ctx context.Context, r TraceRequest) (*Trace, error) {
	out := &Trace{}
	d, err := e.DDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.Table)})
	if err != nil {
		return nil, explainFail("table", r.Table, err)
	}
	tableARN := aws.ToString(d.Table.TableArn)
	who, err := e.principal(ctx, r.Principal)
	if err != nil {
		return nil, explainFail("principal", r.Principal, err)
	}
	in := policy.Input{Request: policy.Request{
		PrincipalARN: who.arn,
		RoleARN:      who.roleARN,
		Action:       r.Action,
		Resource:     tableARN,
		Context:      e.requestContext(who, r),
	}}
	tablePolicy := ""
	p, err := e.DDB.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(tableARN)})
	switch {
	case err == nil:
		tablePolicy = aws.ToString(p.Policy)
		doc, err := policy.Parse([]byte(tablePolicy))
		if err != nil {
			return nil, &awserr.Error{Op: "explain the decision on", Resource: tableARN, Message: "the table policy does not parse: " + err.Error(), Err: err}
		}
		in.Resource = doc
	case awserr.IsCode(err, "PolicyNotFoundException"):
		// No table policy: the identity policies alone decide.
	case denied(err):
		in.ResourceUnreadable = "no permission for dynamodb:GetResourcePolicy"
		out.Missing = append(out.Missing, "The table policy could not be read: the caller may not call dynamodb:GetResourcePolicy on this table.")
	default:
		return nil, explainFail("table", tableARN, err)
	}
	if err := e.identityPolicies(ctx, who, &in, out); err != nil {
		return nil, explainFail("principal", who.arn, err)
	}
	out.Trace = policy.Explain(in)
	e.simulate(ctx, who, in, tablePolicy, out)
	return out, nil
}

// caller is the principal a trace is for, as KMS would see it calling.
type caller struct {
	arn      string // what the key policy's Principal is matched against
	account  string
	userName string // set for a user
	roleName string // set for a role or a role session
	roleARN  string // set for a role or a role session
	userID   string // aws:userid, when known
}

// principal resolves a user name or ARN, "role/NAME", a role ARN or a role
// session ARN. A role given without a session is explained as a session of
// it would be, with the role's ARN standing for the caller.
func (e *Explainer) principal(ctx context.Context, principal string) (*caller, error) {
	kind, name, session := "user", principal, ""
	if n, ok := strings.CutPrefix(principal, "role/"); ok {
		kind, name = "role", n[strings.LastIndexByte(n, '/')+1:]
	}
	if strings.HasPrefix(principal, "arn:") {
		p, ok := partition.ParsePrincipal(principal)
		switch {
		case !ok:
			return nil, fmt.Errorf("principal %s: not an ARN of an IAM user, a role or a role session", principal)
		case p.Kind == partition.User:
			name = p.Name
		case p.Kind == partition.Role:
			kind, name = "role", p.Name
		case p.Kind == partition.RoleSession:
			if p.Name == "" || p.Session == "" {
				return nil, fmt.Errorf("principal %s: a role session ARN ends in assumed-role/ROLE/SESSION", principal)
			}
			kind, name, session = "role", p.Name, p.Session
		default:
			return nil, fmt.Errorf("principal %s: only IAM users, roles and role sessions can be explained", principal)
		}
	}
	if kind == "user" {
		return e.userCaller(ctx, principal, name)
	}
	c := &caller{roleName: name}
	out, err := e.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	switch {
	case err == nil:
		c.roleARN = aws.ToString(out.Role.Arn)
		if session != "" {
			c.userID = aws.ToString(out.Role.RoleId) + ":" + session
		}
	case denied(err) && strings.HasPrefix(principal, "arn:"):
		// Without iam:GetRole the ARN given is all there is.
		p, _ := partition.ParsePrincipal(principal)
		c.roleARN = p.RoleARN()
		if session == "" {
			c.roleARN = principal
		}
	default:
		return nil, err
	}
	c.arn = c.roleARN
	if session != "" {
		c.arn = principal
	}
	c.account = arnAccount(c.roleARN)
	return c, nil
}

// userCaller resolves a user by name, given as principal.
func (e *Explainer) userCaller(ctx context.Context, principal, name string) (*caller, error) {
	out, err := e.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		if denied(err) && strings.HasPrefix(principal, "arn:") {
			// Without iam:GetUser the ARN given is all there is.
			return &caller{arn: principal, account: arnAccount(principal), userName: name}, nil
		}
		return nil, err
	}
	arn := aws.ToString(out.User.Arn)
	return &caller{arn: arn, account: arnAccount(arn), userName: aws.ToString(out.User.UserName), userID: aws.ToString(out.User.UserId)}, nil
}

func arnAccount(arn string) string {
	p, _ := partition.ParsePrincipal(arn)
	return p.Account
}

// requestContext is the condition keys KMS supplies for the call, built by
// the same function the offline AWS enforces with.
func (e *Explainer) requestContext(who *caller, r TraceRequest) policy.Context {
	f := policy.RequestFacts{
		Caller: policy.Caller{ARN: who.arn, Account: who.account, RoleARN: who.roleARN, UserName: who.userName, UserID: who.userID},
		Secure: e.Secure,
		KMS:    r.Table == "",
	}
	if e.Now != nil {
		f.Time = e.Now()
	}
	if r.Via != "" {
		f.ViaService = partition.ViaService(r.Via, e.Region, partition.Of(who.arn))
	}
	f.EncryptionContext = r.EncryptionContext
	return policy.RequestContext(f)
}

// simulatedKeys are the condition keys handed to IAM's simulator: the ones
// KMS adds that IAM cannot derive from the caller.
var simulatedKeys = []policy.Key{policy.KeyViaService, policy.KeyCallerAccount}

// ContextEntries passes the request's KMS keys to IAM's policy simulator.
func ContextEntries(c policy.Context) []iamtypes.ContextEntry {
	var out []iamtypes.ContextEntry
	for _, k := range simulatedKeys {
		if v, ok := c.Value(k); ok {
			out = append(out, iamtypes.ContextEntry{
				ContextKeyName: aws.String(string(k)), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: v})
		}
	}
	// The encryption context is the request's own: IAM cannot derive it either.
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if strings.HasPrefix(k, string(policy.KeyEncryptionContext)) || policy.Key(k) == policy.KeyEncryptionContextKeys {
			typ := iamtypes.ContextKeyTypeEnumString
			if policy.Key(k) == policy.KeyEncryptionContextKeys {
				typ = iamtypes.ContextKeyTypeEnumStringList
			}
			out = append(out, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyType: typ, ContextKeyValues: c[k]})
		}
	}
	return out
}

// holder is an IAM identity policies are attached to: a user, one of its
// groups, or a role.
type holder struct {
	kind string // "user", "group" or "role"
	name string
}

// identityPolicies gathers the user's attached, inline and group policies,
// or the role's attached and inline policies.
func (e *Explainer) identityPolicies(ctx context.Context, who *caller, in *policy.Input, out *Trace) error {
	holders := []holder{{"role", who.roleName}}
	if who.roleName == "" {
		holders = []holder{{"user", who.userName}}
		p := iam.NewListGroupsForUserPaginator(e.IAM, &iam.ListGroupsForUserInput{UserName: aws.String(who.userName)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if denied(err) {
				out.Missing = append(out.Missing, "The user's groups could not be listed: the caller may not call iam:ListGroupsForUser, so group policies are missing from this trace.")
				break
			}
			if err != nil {
				return err
			}
			for _, g := range page.Groups {
				holders = append(holders, holder{"group", aws.ToString(g.GroupName)})
			}
		}
	}
	for _, h := range holders {
		attached, err := e.attached(ctx, h)
		if err != nil {
			return err
		}
		inline, err := e.inline(ctx, h)
		if err != nil {
			return err
		}
		in.Identity = append(append(in.Identity, attached...), inline...)
	}
	for _, n := range in.Identity {
		switch {
		case n.Unreadable == "":
		case n.Doc == nil && strings.HasPrefix(n.Name, "("):
			// a whole list the caller may not read
			out.Missing = append(out.Missing, fmt.Sprintf("The %s could not be listed: the caller has %s.", strings.Trim(n.Name, "()"), n.Unreadable))
		default:
			out.Missing = append(out.Missing, fmt.Sprintf("The %s %s could not be read: the caller has %s.", n.Kind, n.Name, n.Unreadable))
		}
	}
	return nil
}

// group is the Named.Group of h's policies: set only for a group.
func (h holder) group() string {
	if h.kind == "group" {
		return h.name
	}
	return ""
}

// attached reads the default version of each managed policy attached to h.
func (e *Explainer) attached(ctx context.Context, h holder) ([]policy.Named, error) {
	kind, action := policy.KindManaged, "iam:ListAttachedUserPolicies"
	var arns []iamtypes.AttachedPolicy
	var listErr error
	switch h.kind {
	case "user":
		p := iam.NewListAttachedUserPoliciesPaginator(e.IAM, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListAttachedUserPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				arns = append(arns, page.AttachedPolicies...)
			}
		}
	case "group":
		kind, action = policy.KindGroupManaged, "iam:ListAttachedGroupPolicies"
		p := iam.NewListAttachedGroupPoliciesPaginator(e.IAM, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListAttachedGroupPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				arns = append(arns, page.AttachedPolicies...)
			}
		}
	case "role":
		action = "iam:ListAttachedRolePolicies"
		p := iam.NewListAttachedRolePoliciesPaginator(e.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListAttachedRolePoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				arns = append(arns, page.AttachedPolicies...)
			}
		}
	}
	if listErr != nil {
		if !denied(listErr) {
			return nil, listErr
		}
		return []policy.Named{{Name: "(managed policies of " + h.name + ")", Kind: kind, Group: h.group(), Unreadable: "no permission for " + action}}, nil
	}
	out := make([]policy.Named, 0, len(arns))
	for _, a := range arns {
		n := policy.Named{Name: aws.ToString(a.PolicyName), Kind: kind, Group: h.group()}
		doc, why, err := e.managedDocument(ctx, aws.ToString(a.PolicyArn))
		if err != nil {
			return nil, err
		}
		n.Doc, n.Unreadable = doc, why
		out = append(out, n)
	}
	return out, nil
}

// managedDocument reads a managed policy's default version; why is set
// instead when the caller may not read it.
func (e *Explainer) managedDocument(ctx context.Context, arn string) (doc *policy.Document, why string, err error) {
	p, err := e.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if denied(err) {
		return nil, "no permission for iam:GetPolicy", nil
	}
	if err != nil {
		return nil, "", err
	}
	v, err := e.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
	if denied(err) {
		return nil, "no permission for iam:GetPolicyVersion", nil
	}
	if err != nil {
		return nil, "", err
	}
	doc, err = parseIAMDocument(aws.ToString(v.PolicyVersion.Document))
	if err != nil {
		return nil, "", fmt.Errorf("policy %s: %w", arn, err)
	}
	return doc, "", nil
}

// inline reads h's inline policies.
func (e *Explainer) inline(ctx context.Context, h holder) ([]policy.Named, error) {
	kind, listAction, getAction := policy.KindInline, "iam:ListUserPolicies", "iam:GetUserPolicy"
	var names []string
	var listErr error
	switch h.kind {
	case "user":
		p := iam.NewListUserPoliciesPaginator(e.IAM, &iam.ListUserPoliciesInput{UserName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListUserPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				names = append(names, page.PolicyNames...)
			}
		}
	case "group":
		kind, listAction, getAction = policy.KindGroupInline, "iam:ListGroupPolicies", "iam:GetGroupPolicy"
		p := iam.NewListGroupPoliciesPaginator(e.IAM, &iam.ListGroupPoliciesInput{GroupName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListGroupPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				names = append(names, page.PolicyNames...)
			}
		}
	case "role":
		listAction, getAction = "iam:ListRolePolicies", "iam:GetRolePolicy"
		p := iam.NewListRolePoliciesPaginator(e.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(h.name)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListRolePoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				names = append(names, page.PolicyNames...)
			}
		}
	}
	if listErr != nil {
		if !denied(listErr) {
			return nil, listErr
		}
		return []policy.Named{{Name: "(inline policies of " + h.name + ")", Kind: kind, Group: h.group(), Unreadable: "no permission for " + listAction}}, nil
	}
	out := make([]policy.Named, 0, len(names))
	for _, name := range names {
		n := policy.Named{Name: name, Kind: kind, Group: h.group()}
		text, err := e.inlineDocument(ctx, h, name)
		switch {
		case denied(err):
			n.Unreadable = "no permission for " + getAction
		case err != nil:
			return nil, err
		default:
			if n.Doc, err = parseIAMDocument(text); err != nil {
				return nil, fmt.Errorf("inline policy %s: %w", name, err)
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// inlineDocument reads one of h's inline policies as IAM returns it.
func (e *Explainer) inlineDocument(ctx context.Context, h holder, name string) (string, error) {
	switch h.kind {
	case "group":
		r, err := e.IAM.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(h.name), PolicyName: aws.String(name)})
		if err != nil {
			return "", err
		}
		return aws.ToString(r.PolicyDocument), nil
	case "role":
		r, err := e.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(h.name), PolicyName: aws.String(name)})
		if err != nil {
			return "", err
		}
		return aws.ToString(r.PolicyDocument), nil
	}
	r, err := e.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(h.name), PolicyName: aws.String(name)})
	if err != nil {
		return "", err
	}
	return aws.ToString(r.PolicyDocument), nil
}

// parseIAMDocument decodes a document as IAM returns it: percent-encoded JSON.
func parseIAMDocument(text string) (*policy.Document, error) {
	if dec, err := url.PathUnescape(text); err == nil {
		text = dec
	}
	return policy.Parse([]byte(text))
}

// grants lists the key's grants.
func (e *Explainer) grants(ctx context.Context, keyARN string, in *policy.Input, out *Trace) error {
	p := kms.NewListGrantsPaginator(e.KMS, &kms.ListGrantsInput{KeyId: aws.String(keyARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if denied(err) {
			out.Missing = append(out.Missing, "The key's grants could not be listed: the caller may not call kms:ListGrants on this key, so grants are missing from this trace.")
			in.GrantsUnreadable = "no permission for kms:ListGrants"
			return nil
		}
		if err != nil {
			return err
		}
		for _, g := range page.Grants {
			pg := policy.Grant{ID: aws.ToString(g.GrantId), Name: aws.ToString(g.Name), Grantee: aws.ToString(g.GranteePrincipal)}
			for _, o := range g.Operations {
				pg.Operations = append(pg.Operations, string(o))
			}
			if c := g.Constraints; c != nil {
				pg.EncryptionContextEquals, pg.EncryptionContextSubset = c.EncryptionContextEquals, c.EncryptionContextSubset
			}
			in.Grants = append(in.Grants, pg)
		}
	}
	return nil
}

// simulate asks IAM's policy simulator the same question and records where
// it disagrees with the local evaluation.
func (e *Explainer) simulate(ctx context.Context, who *caller, in policy.Input, keyPolicy string, out *Trace) {
	source := in.Request.PrincipalARN
	if who.roleARN != "" {
		source = who.roleARN
	}
	sim := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(source),
		ActionNames:     []string{in.Request.Action},
		ResourceArns:    []string{in.Request.Resource},
	}
	if keyPolicy != "" {
		sim.ResourcePolicy = aws.String(keyPolicy)
		if who.roleARN != "" {
			// The key policy's Principal is matched against CallerArn;
			// IAM accepts only a user there, and says so.
			sim.CallerArn = aws.String(in.Request.PrincipalARN)
		}
	}
	sim.ContextEntries = ContextEntries(in.Request.Context)
	res, err := e.IAM.SimulatePrincipalPolicy(ctx, sim)
	var refused smithy.APIError
	switch {
	case denied(err):
		out.Missing = append(out.Missing, "IAM's policy simulator could not be asked: the caller may not call iam:SimulatePrincipalPolicy, so nothing checks this evaluation.")
		return
	case errors.As(err, &refused) && refused.ErrorCode() == "InvalidInput":
		out.Missing = append(out.Missing, "IAM's policy simulator refused the question ("+strings.TrimSuffix(refused.ErrorMessage(), ".")+"), so nothing checks this evaluation.")
		return
	case err != nil:
		out.Missing = append(out.Missing, "IAM's policy simulator could not be asked: "+err.Error()+".")
		return
	case len(res.EvaluationResults) == 0:
		out.Missing = append(out.Missing, "IAM's policy simulator returned no result.")
		return
	}
	r := res.EvaluationResults[0]
	out.Simulator = string(r.EvalDecision)
	for _, rr := range r.ResourceSpecificResults {
		if aws.ToString(rr.EvalResourceName) == in.Request.Resource {
			out.Simulator = string(rr.EvalResourceDecision)
		}
	}
	local := out.EvalDecision()
	if out.Simulator == local {
		return
	}
	out.Disagreement = fmt.Sprintf("IAM's policy simulator says %s where this evaluation says %s",
		policy.EvalDecisionWord(out.Simulator), policy.EvalDecisionWord(local))
	if out.Reason == policy.AllowedByGrant {
		out.Disagreement += " (the simulator does not consider grants, which allow here)"
	}
	out.Disagreement += "."
}

// denied reports an AWS refusal for lack of permission.
func denied(err error) bool {
	return err != nil && awserr.IsCode(err, "AccessDenied", "AccessDeniedException")
}

// explainFail is awserr.Fail for the explainer. It reads what exists now, outside
// any run, so the lab's hints (retry the step, start a new run, cleanup)
// would mislead: a missing key, principal or table is a name to check, and
// other failures are worth one more try of explain itself. An access denial
// keeps its hint, which names the permission.
func explainFail(what, resource string, err error) error {
	out := awserr.Fail("explain the decision on", resource, err)
	var e *awserr.Error
	if !errors.As(out, &e) {
		return out
	}
	switch e.Code {
	case "AccessDenied", "AccessDeniedException":
	case "NotFoundException", "NoSuchEntity", "ResourceNotFoundException":
		e.Hint = "Check the " + what + "'s name, id or ARN, and the region (--region)"
		if what == "principal" { // IAM is global: no region to check
			e.Hint = "Check the principal's ARN: a user or role that exists in this account"
		}
	case "ThrottlingException", "Throttling":
		e.Hint = "AWS is throttling requests: wait a minute and run explain again"
	default:
		if e.Hint != "" && e.Hint != awserr.ConnectionHint {
			e.Hint = "Run explain again; if it keeps failing, check the endpoint and your credentials"
		}
	}
	return out
}
