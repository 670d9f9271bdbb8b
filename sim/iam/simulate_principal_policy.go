package iam

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/wire"
)

type positionXML struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

type statementXML struct {
	SourcePolicyID   string       `xml:"SourcePolicyId"`
	SourcePolicyType string       `xml:"SourcePolicyType"`
	StartPosition    *positionXML `xml:"StartPosition"`
	EndPosition      *positionXML `xml:"EndPosition"`
}

type resourceResultXML struct {
	EvalResourceName     string                `xml:"EvalResourceName"`
	EvalResourceDecision string                `xml:"EvalResourceDecision"`
	MatchedStatements    members[statementXML] `xml:"MatchedStatements"`
	MissingContextValues members[string]       `xml:"MissingContextValues"`
}

type evaluationResultXML struct {
	EvalActionName          string                      `xml:"EvalActionName"`
	EvalResourceName        string                      `xml:"EvalResourceName"`
	EvalDecision            string                      `xml:"EvalDecision"`
	MatchedStatements       members[statementXML]       `xml:"MatchedStatements"`
	MissingContextValues    members[string]             `xml:"MissingContextValues"`
	ResourceSpecificResults *members[resourceResultXML] `xml:"ResourceSpecificResults"`
}

type simulateResult struct {
	EvaluationResults members[evaluationResultXML] `xml:"EvaluationResults"`
	IsTruncated       bool                         `xml:"IsTruncated"`
	Marker            string                       `xml:"Marker,omitempty"`
}

// simDoc is one policy taking part in a simulation.
type simDoc struct {
	source policySource
	text   string // for statement positions
	doc    *policy.Document
}

var kmsKeyARN = lazyRegexp(`^arn:aws[a-z-]*:kms:[^:]*:[^:]*:key/.+$`)

const resourcePolicySource = "ResourcePolicy"

// simulatePrincipalPolicy evaluates the source user's policies (plus any given
// in PolicyInputList) for every action and resource, with the same engine that
// authorizes real calls: a KMS action on a KMS key ARN with a ResourcePolicy is
// judged by the KMS rule (the key policy must allow), anything else by the
// ordinary rule.
func (s *Service) simulatePrincipalPolicy(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	sourceARN, _ := v.str("PolicySourceArn", true, ruleARN)
	actions := v.list("ActionNames", true, 0, ruleActionName)
	resources := v.list("ResourceArns", false, 0, ruleResourceName)
	inputs := v.list("PolicyInputList", false, 0, rulePolicyDocument)
	resourceText, hasResourcePolicy := v.str("ResourcePolicy", false, rulePolicyDocument)
	callerARN, hasCaller := v.str("CallerArn", false, ruleResourceName)
	marker, _ := v.str("Marker", false, ruleMarker)
	maxItems := v.maxItems()
	entries := v.contextEntries()
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.require(ctx, "iam:SimulatePrincipalPolicy", sourceARN, nil); err != nil {
		return nil, err
	}

	docs, caller, err := s.simulationPolicies(sourceARN)
	if err != nil {
		return nil, err
	}
	for i, text := range inputs {
		doc, err := policy.ParseIdentity([]byte(text))
		if err != nil {
			return nil, api.BadRequest("InvalidInput", "PolicyInputList.%d: %s", i+1, errMessage(malformedPolicy(err)))
		}
		docs = append(docs, simDoc{source: policySource{ID: fmt.Sprintf("PolicyInputList.%d", i+1), Type: "none"}, text: text, doc: doc})
	}
	var resourceDoc *simDoc
	if hasResourcePolicy {
		doc, err := policy.ParseResource([]byte(resourceText))
		if err != nil {
			return nil, api.BadRequest("InvalidInput", "ResourcePolicy: %s", errMessage(malformedPolicy(err)))
		}
		resourceDoc = &simDoc{source: policySource{ID: resourcePolicySource, Type: "resource"}, text: resourceText, doc: doc}
	}
	if hasCaller {
		parts, ok := splitARN(callerARN)
		if !ok || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
			return nil, api.BadRequest("InvalidInput", "Invalid CallerArn %s: only IAM user ARNs can be callers.", callerARN)
		}
		caller = callerARN
	}
	// A resource policy's Principal needs a caller to match: AWS lets only a
	// user be one, so a group or role source must name a user as CallerArn.
	if hasResourcePolicy && !hasCaller && !isUserARN(sourceARN) {
		return nil, api.BadRequest("InvalidInput", "CallerArn is required when ResourcePolicy is given and PolicySourceArn %s is not a user.", sourceARN)
	}

	explicit := len(resources) > 0
	if !explicit {
		resources = []string{"*"}
	}
	var results []evaluationResultXML
	for _, action := range actions {
		for _, res := range resources {
			r := s.simulateOne(docs, resourceDoc, caller, action, res, entries)
			out := evaluationResultXML{EvalActionName: action, EvalResourceName: res, EvalDecision: r.EvalResourceDecision,
				MatchedStatements: r.MatchedStatements}
			if explicit {
				out.MissingContextValues = list([]string{})
				out.ResourceSpecificResults = &members[resourceResultXML]{Member: []resourceResultXML{r}}
			} else {
				out.MissingContextValues = r.MissingContextValues
			}
			results = append(results, out)
		}
	}

	type indexed struct {
		i int
		r evaluationResultXML
	}
	items := make([]indexed, len(results))
	for i, r := range results {
		items[i] = indexed{i, r}
	}
	got, truncated, next, err := page(items, func(x indexed) string { return padIndex(x.i) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := simulateResult{IsTruncated: truncated, Marker: next}
	out.EvaluationResults.Member = make([]evaluationResultXML, 0, len(got))
	for _, x := range got {
		out.EvaluationResults.Member = append(out.EvaluationResults.Member, x.r)
	}
	return out, nil
}

// simulationPolicies resolves PolicySourceArn (a user, group or role of this
// account) to its policies and the ARN that acts as the caller. A user's
// include its groups'.
func (s *Service) simulationPolicies(sourceARN string) ([]simDoc, string, error) {
	parts, ok := splitARN(sourceARN)
	if !ok || parts[2] != "iam" {
		return nil, "", invalidARN(sourceARN)
	}
	kind, rest, _ := strings.Cut(parts[5], "/")
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	s.mu.RLock()
	defer s.mu.RUnlock()
	var named []policy.Named
	var sources []policySource
	switch kind {
	case "user":
		u, ok := s.users[strings.ToLower(name)]
		if !ok || u.ARN != sourceARN || parts[4] != s.env.AccountID {
			return nil, "", noSuchUser(name)
		}
		named = s.policiesOf(u, &sources)
	case "group":
		g, ok := s.groups[strings.ToLower(name)]
		if !ok || g.ARN != sourceARN || parts[4] != s.env.AccountID {
			return nil, "", noSuchGroup(name)
		}
		named = s.holderPolicies(nil, &g.policyHolder, "group", &sources)
	case "role":
		r, ok := s.roles[strings.ToLower(name)]
		if !ok || r.ARN != sourceARN || parts[4] != s.env.AccountID {
			return nil, "", noSuchRole(name)
		}
		named = s.holderPolicies(nil, &r.policyHolder, "role", &sources)
	default:
		return nil, "", invalidARN(sourceARN)
	}
	docs := make([]simDoc, len(named))
	for i, n := range named {
		docs[i] = simDoc{source: sources[i], text: sources[i].Text, doc: n.Doc}
	}
	return docs, sourceARN, nil
}

// simulateOne decides one action on one resource.
func (s *Service) simulateOne(docs []simDoc, resourceDoc *simDoc, caller, action, resource string, entries policy.Context) resourceResultXML {
	ctx := policy.Context{}
	for k, v := range entries {
		ctx[k] = v
	}
	s.callerContext(caller, action, ctx)
	in := policy.Input{
		Request: policy.Request{PrincipalARN: caller, PrincipalAccount: s.env.AccountID, Action: action, Resource: resource, Context: ctx},
	}
	for i, d := range docs {
		in.Identity = append(in.Identity, policy.Named{Name: docLabel(i), Doc: d.doc})
	}
	if resourceDoc != nil {
		in.Resource = resourceDoc.doc
		// The key policy rule governs KMS actions on a key; any other service's
		// action named on a key ARN is judged like any resource.
		in.KMS = kmsKeyARN.MatchString(resource) && strings.HasPrefix(strings.ToLower(action), "kms:")
	}
	out := policy.Evaluate(in)

	r := resourceResultXML{EvalResourceName: resource}
	r.EvalResourceDecision = out.EvalDecision()
	want := ""
	switch out.Decision {
	case policy.Allow:
		want = policy.EffectAllow
	case policy.Deny:
		want = policy.EffectDeny
	}
	identityAllow := false
	for _, m := range out.Matches {
		if _, ok := labelIndex(m.Source, len(docs)); ok && m.Effect == policy.EffectAllow {
			identityAllow = true
		}
	}
	r.MatchedStatements.Member = []statementXML{}
	for _, m := range out.Matches {
		if m.Effect != want {
			continue // AWS lists only the statements that decided: the allows, or the denies alone
		}
		if m.ViaAccount && !identityAllow {
			continue // delegation to the account decided nothing: no IAM policy took it up
		}
		d := resourceDoc
		if i, ok := labelIndex(m.Source, len(docs)); ok {
			d = &docs[i]
		}
		if d == nil {
			continue
		}
		st := statementXML{SourcePolicyID: d.source.ID, SourcePolicyType: d.source.Type}
		if spans := statementSpans(d.text); m.Index < len(spans) {
			st.StartPosition, st.EndPosition = &spans[m.Index].start, &spans[m.Index].end
		}
		r.MatchedStatements.Member = append(r.MatchedStatements.Member, st)
	}
	all := make([]*policy.Document, 0, len(docs)+1)
	for _, d := range docs {
		all = append(all, d.doc)
	}
	if resourceDoc != nil {
		all = append(all, resourceDoc.doc)
	}
	r.MissingContextValues = list(missingContextKeys(all, action, resource, ctx))
	return r
}

// callerContext adds the condition keys AWS derives from the caller itself,
// built as every request builds them (policy.RequestContext); anything else
// a policy needs must come from ContextEntries.
func (s *Service) callerContext(caller, action string, ctx policy.Context) {
	who := policy.Caller{ARN: caller, Account: s.env.AccountID, UserName: caller[strings.LastIndexByte(caller, '/')+1:]}
	s.mu.RLock()
	if u, ok := s.users[strings.ToLower(who.UserName)]; ok && u.ARN == caller {
		who.UserID = u.ID
	}
	s.mu.RUnlock()
	derived := policy.RequestContext(policy.RequestFacts{Caller: who, KMS: strings.HasPrefix(strings.ToLower(action), "kms:")})
	// A simulation has no transport: aws:SecureTransport is the caller's to
	// give in ContextEntries, or missing.
	delete(derived, string(policy.KeySecureTransport))
	for k, v := range derived {
		if _, ok := ctx.Get(k); !ok && len(v) > 0 && v[0] != "" {
			ctx[k] = v
		}
	}
}

func docLabel(i int) string { return fmt.Sprintf("#%d", i) }

func labelIndex(label string, n int) (int, bool) {
	var i int
	if _, err := fmt.Sscanf(label, "#%d", &i); err != nil || i < 0 || i >= n || docLabel(i) != label {
		return 0, false
	}
	return i, true
}

// contextEntries reads ContextEntries.member.N.{ContextKeyName,ContextKeyValues,ContextKeyType}.
func (v *validator) contextEntries() policy.Context {
	members, err := wire.FormMembers(v.form, "ContextEntries")
	if err != nil {
		v.add("Value at 'contextEntries' failed to satisfy constraint: %s", errMessage(err))
		return nil
	}
	out := policy.Context{}
	for i, m := range members {
		sub := &validator{form: m}
		name, _ := sub.str("ContextKeyName", false, ruleContextKeyName)
		sub.str("ContextKeyType", false, stringRule{enum: []string{"string", "stringList", "numeric", "numericList",
			"boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"}})
		vals := sub.list("ContextKeyValues", false, 0, stringRule{})
		base := fmt.Sprintf("contextEntries.%d.member.", i+1)
		for _, e := range sub.List {
			v.List = append(v.List, strings.Replace(e, "at '", "at '"+base, 1))
		}
		if name != "" {
			out[name] = append(out[name], vals...)
		}
	}
	return out
}

func isUserARN(arn string) bool {
	parts, ok := splitARN(arn)
	return ok && parts[2] == "iam" && strings.HasPrefix(parts[5], "user/")
}
