package awsops

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/internal/sdkhttp"
	"kmslab/policy"
)

// TraceRequest names the decision to explain.
type TraceRequest struct {
	Principal string // an IAM user's name or ARN
	Action    string // "kms:Decrypt"
	Key       string // key id, alias name ("alias/x") or ARN
	// Via is the service acting for the caller ("dynamodb"): KMS then sees
	// kms:ViaService = dynamodb.<region>.amazonaws.com. Empty for a direct call.
	Via string
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

// Explainer gathers the documents behind a KMS decision with one account's clients.
type Explainer struct {
	kms    *kms.Client
	iam    *iam.Client
	region string
	// secure is whether calls travel over TLS (aws:SecureTransport): always
	// on AWS, not on a plain-http endpoint such as kmslab serve's.
	secure bool
	now    func() time.Time
}

// NewExplainer prepares read-only clients on cfg. It makes no AWS call.
func NewExplainer(cfg aws.Config) *Explainer {
	cfg = withProbe(sdkhttp.Guard(cfg))
	return &Explainer{kms: kms.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), region: cfg.Region,
		secure: secureEndpoint(cfg), now: time.Now}
}

func secureEndpoint(cfg aws.Config) bool {
	return cfg.BaseEndpoint == nil || !strings.HasPrefix(strings.ToLower(*cfg.BaseEndpoint), "http://")
}

// Explain reads the key, its policy and grants, and the user's managed,
// inline and group policies, evaluates the request with the policy engine
// the offline AWS enforces with, and asks IAM's policy simulator for
// comparison. It changes nothing. Documents it may not read are listed in
// Missing and in the trace; other failures are errors.
func (e *Explainer) Explain(ctx context.Context, r TraceRequest) (*Trace, error) {
	const op = "explain the decision"
	out := &Trace{}
	key, err := e.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(r.Key)})
	if err != nil {
		return nil, fail(op, r.Key, err)
	}
	md := key.KeyMetadata
	keyARN, account := aws.ToString(md.Arn), aws.ToString(md.AWSAccountId)

	user, err := e.user(ctx, r.Principal)
	if err != nil {
		return nil, fail(op, r.Principal, err)
	}
	in := policy.Input{
		Request: policy.Request{
			PrincipalARN: aws.ToString(user.Arn),
			Action:       r.Action,
			Resource:     keyARN,
			Context:      e.requestContext(user, r),
		},
		KMS:      true,
		KeyState: string(md.KeyState),
	}

	keyPolicy := ""
	if p, err := e.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")}); err != nil {
		if !denied(err) {
			return nil, fail(op, keyARN, err)
		}
		in.ResourceUnreadable = "no permission for kms:GetKeyPolicy"
		out.Missing = append(out.Missing, "The key policy could not be read: the caller may not call kms:GetKeyPolicy on this key.")
	} else if keyPolicy = aws.ToString(p.Policy); keyPolicy != "" {
		doc, err := policy.Parse([]byte(keyPolicy))
		if err != nil {
			return nil, &Error{Op: op, Resource: keyARN, Message: "the key policy does not parse: " + err.Error(), Err: err}
		}
		in.Resource = doc
	}

	name := aws.ToString(user.UserName)
	if err := e.identityPolicies(ctx, name, &in, out); err != nil {
		return nil, fail(op, name, err)
	}
	if err := e.grants(ctx, keyARN, &in, out); err != nil {
		return nil, fail(op, keyARN, err)
	}
	out.Trace = policy.Explain(in)
	e.simulate(ctx, in, keyPolicy, account, out)
	return out, nil
}

// user resolves a user name or ARN to the user, whose ARN policies name.
func (e *Explainer) user(ctx context.Context, principal string) (*iamtypes.User, error) {
	name := principal
	if strings.HasPrefix(principal, "arn:") {
		parts := strings.SplitN(principal, ":", 6)
		if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
			return nil, fmt.Errorf("principal %s: only IAM users can be explained", principal)
		}
		name = parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	}
	out, err := e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		if denied(err) && strings.HasPrefix(principal, "arn:") {
			// Without iam:GetUser the ARN given is all there is.
			return &iamtypes.User{Arn: aws.String(principal), UserName: aws.String(name)}, nil
		}
		return nil, err
	}
	return out.User, nil
}

// requestContext is the condition keys KMS supplies for the call, as the
// offline AWS and AWS set them for an IAM user.
func (e *Explainer) requestContext(user *iamtypes.User, r TraceRequest) policy.Context {
	arn := aws.ToString(user.Arn)
	account := ""
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		account = parts[4]
	}
	c := policy.Context{
		"aws:PrincipalArn":     {arn},
		"aws:PrincipalAccount": {account},
		"aws:PrincipalType":    {"User"},
		"aws:username":         {aws.ToString(user.UserName)},
		"kms:CallerAccount":    {account},
		"aws:SecureTransport":  {strconv.FormatBool(e.secure)},
	}
	if e.now != nil {
		c["aws:CurrentTime"] = []string{e.now().UTC().Format("2006-01-02T15:04:05Z")}
	}
	if id := aws.ToString(user.UserId); id != "" {
		c["aws:userid"] = []string{id}
	}
	if r.Via != "" {
		c["kms:ViaService"] = []string{viaService(r.Via, e.region)}
	}
	return c
}

// viaService is the endpoint name KMS sees for a service acting for a caller.
func viaService(via, region string) string {
	if strings.Contains(via, ".") {
		return via
	}
	return via + "." + region + ".amazonaws.com"
}

// identityPolicies gathers the user's attached, inline and group policies.
func (e *Explainer) identityPolicies(ctx context.Context, user string, in *policy.Input, out *Trace) error {
	attached, err := e.attached(ctx, user, "")
	if err != nil {
		return err
	}
	inline, err := e.inline(ctx, user, "")
	if err != nil {
		return err
	}
	in.Identity = append(append(in.Identity, attached...), inline...)
	var groups []string
	p := iam.NewListGroupsForUserPaginator(e.iam, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
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
			groups = append(groups, aws.ToString(g.GroupName))
		}
	}
	for _, g := range groups {
		attached, err := e.attached(ctx, "", g)
		if err != nil {
			return err
		}
		inline, err := e.inline(ctx, "", g)
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

// attached reads the default version of each managed policy attached to the
// user (or, with group set, to the group).
func (e *Explainer) attached(ctx context.Context, user, group string) ([]policy.Named, error) {
	kind, who := policy.KindManaged, user
	if group != "" {
		kind, who = policy.KindGroupManaged, group
	}
	var arns []iamtypes.AttachedPolicy
	var listErr error
	if group == "" {
		p := iam.NewListAttachedUserPoliciesPaginator(e.iam, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListAttachedUserPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				arns = append(arns, page.AttachedPolicies...)
			}
		}
	} else {
		p := iam.NewListAttachedGroupPoliciesPaginator(e.iam, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListAttachedGroupPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				arns = append(arns, page.AttachedPolicies...)
			}
		}
	}
	if listErr != nil {
		if !denied(listErr) {
			return nil, listErr
		}
		action := "iam:ListAttachedUserPolicies"
		if group != "" {
			action = "iam:ListAttachedGroupPolicies"
		}
		return []policy.Named{{Name: "(managed policies of " + who + ")", Kind: kind, Group: group, Unreadable: "no permission for " + action}}, nil
	}
	out := make([]policy.Named, 0, len(arns))
	for _, a := range arns {
		n := policy.Named{Name: aws.ToString(a.PolicyName), Kind: kind, Group: group}
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
	p, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if denied(err) {
		return nil, "no permission for iam:GetPolicy", nil
	}
	if err != nil {
		return nil, "", err
	}
	v, err := e.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
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

// inline reads the user's (or the group's) inline policies.
func (e *Explainer) inline(ctx context.Context, user, group string) ([]policy.Named, error) {
	kind, who, listAction, getAction := policy.KindInline, user, "iam:ListUserPolicies", "iam:GetUserPolicy"
	if group != "" {
		kind, who, listAction, getAction = policy.KindGroupInline, group, "iam:ListGroupPolicies", "iam:GetGroupPolicy"
	}
	var names []string
	var listErr error
	if group == "" {
		p := iam.NewListUserPoliciesPaginator(e.iam, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListUserPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				names = append(names, page.PolicyNames...)
			}
		}
	} else {
		p := iam.NewListGroupPoliciesPaginator(e.iam, &iam.ListGroupPoliciesInput{GroupName: aws.String(group)})
		for p.HasMorePages() && listErr == nil {
			var page *iam.ListGroupPoliciesOutput
			if page, listErr = p.NextPage(ctx); listErr == nil {
				names = append(names, page.PolicyNames...)
			}
		}
	}
	if listErr != nil {
		if !denied(listErr) {
			return nil, listErr
		}
		return []policy.Named{{Name: "(inline policies of " + who + ")", Kind: kind, Group: group, Unreadable: "no permission for " + listAction}}, nil
	}
	out := make([]policy.Named, 0, len(names))
	for _, name := range names {
		n := policy.Named{Name: name, Kind: kind, Group: group}
		var text string
		var err error
		if group == "" {
			var r *iam.GetUserPolicyOutput
			if r, err = e.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name)}); err == nil {
				text = aws.ToString(r.PolicyDocument)
			}
		} else {
			var r *iam.GetGroupPolicyOutput
			if r, err = e.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name)}); err == nil {
				text = aws.ToString(r.PolicyDocument)
			}
		}
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

// parseIAMDocument decodes a document as IAM returns it: percent-encoded JSON.
func parseIAMDocument(text string) (*policy.Document, error) {
	if dec, err := url.PathUnescape(text); err == nil {
		text = dec
	}
	return policy.Parse([]byte(text))
}

// grants lists the key's grants.
func (e *Explainer) grants(ctx context.Context, keyARN string, in *policy.Input, out *Trace) error {
	p := kms.NewListGrantsPaginator(e.kms, &kms.ListGrantsInput{KeyId: aws.String(keyARN)})
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
func (e *Explainer) simulate(ctx context.Context, in policy.Input, keyPolicy, account string, out *Trace) {
	sim := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(in.Request.PrincipalARN),
		ActionNames:     []string{in.Request.Action},
		ResourceArns:    []string{in.Request.Resource},
	}
	if keyPolicy != "" {
		sim.ResourcePolicy = aws.String(keyPolicy)
	}
	for _, k := range []string{"kms:ViaService", "kms:CallerAccount"} {
		if v, ok := in.Request.Context.Get(k); ok {
			sim.ContextEntries = append(sim.ContextEntries, iamtypes.ContextEntry{
				ContextKeyName: aws.String(k), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: v})
		}
	}
	res, err := e.iam.SimulatePrincipalPolicy(ctx, sim)
	switch {
	case denied(err):
		out.Missing = append(out.Missing, "IAM's policy simulator could not be asked: the caller may not call iam:SimulatePrincipalPolicy, so nothing checks this evaluation.")
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
	out.Disagreement = fmt.Sprintf("IAM's policy simulator says %s where this evaluation says %s", out.Simulator, local)
	if out.Reason == policy.AllowedByGrant {
		out.Disagreement += " (the simulator does not consider grants, which allow here)"
	}
	out.Disagreement += "."
}

// denied reports an AWS refusal for lack of permission.
func denied(err error) bool {
	return err != nil && isCode(err, "AccessDenied", "AccessDeniedException")
}
