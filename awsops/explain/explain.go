package explain

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
)

// Simulation is one request of the lab's test user on the lab's key, for
// IAM's policy simulator and the local trace alike.
type Simulation struct {
	User, UserARN     string // the test user
	KeyARN, KeyPolicy string // the key and its policy as KMS holds it
	// Facts give the request's condition keys (kms:ViaService through
	// DynamoDB, the encryption context), Request the same request traced.
	Facts   policy.RequestFacts
	Request TraceRequest
}

// Simulate explains s twice: IAM's policy simulator, given the key policy
// and the request's condition keys, and the local trace, whose narrative is
// the summary.
func (e *Explainer) Simulate(ctx context.Context, s Simulation) (Explanation, error) {
	const op = "explain the decision"
	out, err := e.IAM.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(s.UserARN),
		ActionNames:     []string{s.Request.Action},
		ResourceArns:    []string{s.KeyARN},
		ResourcePolicy:  aws.String(s.KeyPolicy),
		ContextEntries:  ContextEntries(policy.RequestContext(s.Facts)),
	})
	if err != nil {
		return Explanation{}, awserr.Fail(op, s.User, err)
	}
	if len(out.EvaluationResults) == 0 {
		return Explanation{}, &awserr.Error{Op: op, Resource: s.User, Message: "the policy simulator returned no result", Hint: "Retry the step"}
	}
	x := explanation(out.EvaluationResults[0], s.Request.Action, s.KeyARN, s.User, s.KeyPolicy)
	tr, err := e.Explain(ctx, s.Request)
	if err != nil {
		x.TraceError = err.Error()
	} else {
		x.Trace = tr
		x.Summary = policy.Narrate(tr.Trace).Summary
	}
	return x, nil
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

// sidAt is the Sid of the statement of policy at pos, as the simulator
// reports statement positions; "" without a position.
func sidAt(policy string, pos *iamtypes.Position) string {
	if pos == nil {
		return ""
	}
	return policydoc.SidAt(policy, int(pos.Line), int(pos.Column))
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
