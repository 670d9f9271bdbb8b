package awsops

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"kmslab/policy"
)

// Explain asks IAM's policy simulator whether the test user may call
// kms:Decrypt on the key, with the key policy as the resource policy and the
// context DynamoDB supplies when it decrypts on the user's behalf.
func (l *Lab) Explain(ctx context.Context) (Explanation, error) {
	return l.explainDecrypt(ctx, func(id Identity) (policy.RequestFacts, TraceRequest) {
		return policy.RequestFacts{Caller: policy.Caller{ARN: l.user.ARN, Account: id.Account}, KMS: true, ViaService: viaService("dynamodb", id.Region, partitionOf(id.ARN))},
			TraceRequest{Principal: l.user.ARN, Action: "kms:Decrypt", Key: l.keyARN, Via: "dynamodb"}
	})
}

// explainDecrypt is the test user's kms:Decrypt on the key explained twice
// from one request: IAM's policy simulator, given the key policy and the
// request's condition keys, and the local trace, whose narrative is the
// summary. req gives both for the caller's identity.
func (l *Lab) explainDecrypt(ctx context.Context, req func(Identity) (policy.RequestFacts, TraceRequest)) (Explanation, error) {
	const op = "explain the decision"
	if l.user == nil {
		return Explanation{}, &Error{Op: op, Resource: l.names.User, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	id, err := l.identity(ctx)
	if err != nil {
		return Explanation{}, err
	}
	keyPolicy, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return Explanation{}, err
	}
	facts, treq := req(id)
	out, err := l.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(l.user.ARN),
		ActionNames:     []string{treq.Action},
		ResourceArns:    []string{l.keyARN},
		ResourcePolicy:  aws.String(keyPolicy),
		ContextEntries:  contextEntries(policy.RequestContext(facts)),
	})
	if err != nil {
		return Explanation{}, fail(op, l.names.User, err)
	}
	if len(out.EvaluationResults) == 0 {
		return Explanation{}, &Error{Op: op, Resource: l.names.User, Message: "the policy simulator returned no result", Hint: "Retry the step"}
	}
	e := explanation(out.EvaluationResults[0], treq.Action, l.keyARN, l.user.Name, keyPolicy)
	ex := &Explainer{kms: l.kms, iam: l.iam, region: id.Region, secure: secureEndpoint(l.cfg), now: l.now}
	tr, err := ex.Explain(ctx, treq)
	if err != nil {
		e.TraceError = err.Error()
	} else {
		e.Trace = tr
		e.Summary = policy.Narrate(tr.Trace).Summary
	}
	return e, nil
}

// explanation turns one simulation result into the lab's terms.
func explanation(r iamtypes.EvaluationResult, action, keyARN, user, keyPolicy string) Explanation {
	e := Explanation{Action: action, Resource: keyARN, Decision: string(r.EvalDecision)}
	matched := r.MatchedStatements
	missing := r.MissingContextValues
	details := r.EvalDecisionDetails
	for _, rr := range r.ResourceSpecificResults {
		if aws.ToString(rr.EvalResourceName) == keyARN {
			e.Decision = string(rr.EvalResourceDecision)
			matched = append(append([]iamtypes.Statement(nil), matched...), rr.MatchedStatements...)
			missing = append(append([]string(nil), missing...), rr.MissingContextValues...)
			if len(rr.EvalDecisionDetails) > 0 {
				details = rr.EvalDecisionDetails
			}
		}
	}
	seen := map[Statement]bool{}
	for _, m := range matched {
		st := Statement{Source: aws.ToString(m.SourcePolicyId)}
		if m.SourcePolicyType == iamtypes.PolicySourceTypeResource {
			st.Source = "key policy"
			st.Sid = sidAt(keyPolicy, m.StartPosition)
		}
		if !seen[st] {
			seen[st] = true
			e.Matched = append(e.Matched, st)
		}
	}
	for src, d := range details {
		e.Details = append(e.Details, Detail{Source: src, Decision: string(d)})
	}
	sort.Slice(e.Details, func(i, j int) bool { return e.Details[i].Source < e.Details[j].Source })
	e.Missing = dedupe(missing)
	e.Summary = summary(e, user)
	return e
}

// summary tells the simulator's decision when there is no local trace to
// tell: through the same narrative, from what the simulator returned.
func summary(e Explanation, user string) string {
	tr := &policy.Trace{Principal: user, Action: e.Action, Resource: e.Resource}
	switch e.Decision {
	case string(iamtypes.PolicyEvaluationDecisionTypeAllowed):
		tr.Decision = policy.Allow
	case string(iamtypes.PolicyEvaluationDecisionTypeExplicitDeny):
		tr.Decision = policy.Deny
	}
	s := policy.Narrate(tr).Summary
	var by []string
	for _, m := range e.Matched {
		if m.Sid != "" {
			by = append(by, fmt.Sprintf("%q in the %s", m.Sid, m.Source))
		} else {
			by = append(by, m.Source)
		}
	}
	if len(by) > 0 {
		s += " The simulator matched " + strings.Join(by, " and ") + "."
	}
	return s
}

// sidAt finds the Sid of the statement of policy that contains pos (1-based
// line and column, as the simulator reports statement positions).
func sidAt(policy string, pos *iamtypes.Position) string {
	if pos == nil {
		return ""
	}
	off := offsetOf(policy, int(pos.Line), int(pos.Column))
	for _, s := range statementRanges(policy) {
		if off >= s.start && off < s.end {
			return s.sid
		}
	}
	return ""
}

func offsetOf(text string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	return off + max(col-1, 0)
}

type stmtRange struct {
	start, end int
	sid        string
}

// statementRanges finds the byte range and Sid of each statement in policy.
func statementRanges(policy string) []stmtRange {
	doc, err := parseObject([]byte(policy))
	if err != nil {
		return nil
	}
	raw, ok := doc.get("Statement")
	if !ok {
		return nil
	}
	base := strings.Index(policy, string(raw))
	if base < 0 {
		// The raw value is verbatim from the text, so this does not happen;
		// without it there are no positions to map.
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var out []stmtRange
	one := func() bool {
		var st json.RawMessage
		start := int(dec.InputOffset())
		if err := dec.Decode(&st); err != nil {
			return false
		}
		r := stmtRange{start: base + start, end: base + int(dec.InputOffset())}
		var s struct{ Sid string }
		_ = json.Unmarshal(st, &s)
		r.sid = s.Sid
		out = append(out, r)
		return true
	}
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		one()
		return out
	}
	if _, err := dec.Token(); err != nil {
		return nil
	}
	for dec.More() {
		if !one() {
			return out
		}
	}
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Explanation is IAM's policy simulation of the test user calling
// kms:Decrypt on the key, with the key policy as the resource policy.
type Explanation struct {
	Action   string      `json:"action"`
	Resource string      `json:"resource"`
	Decision string      `json:"decision"`          // allowed, implicitDeny, explicitDeny
	Matched  []Statement `json:"matched,omitempty"` // statements that decided, if any
	Details  []Detail    `json:"details,omitempty"` // the decision per policy type (IAM policy, resource policy)
	Missing  []string    `json:"missing,omitempty"` // context keys the simulation lacked
	Summary  string      `json:"summary,omitempty"` // one or two plain sentences
	// Trace is the local evaluation of the real documents, statement by
	// statement (nil when it could not be made; TraceError says why).
	Trace      *Trace `json:"trace,omitempty"`
	TraceError string `json:"traceError,omitempty"`
}

// Statement identifies one policy statement.
type Statement struct {
	Source string `json:"source"` // "key policy", or the IAM policy's name
	Sid    string `json:"sid"`    // the statement's Sid when known
}

// Detail is the decision of one kind of policy.
type Detail struct {
	Source   string `json:"source"`
	Decision string `json:"decision"`
}
