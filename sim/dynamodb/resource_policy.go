package dynamodb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
)

// tablePolicy is a table's resource-based policy: the document as GetResourcePolicy returns
// it, the parsed form authorization reads, and its revision id.
type tablePolicy struct {
	text     string
	doc      *policy.Document
	revision string
}

// maxPolicyBytes is DynamoDB's limit on a resource-based policy, whitespace included
// (developerguide/rbac-considerations.html: "The maximum size supported for a resource-based
// policy document is 20 KB. DynamoDB counts whitespaces").
const maxPolicyBytes = 20480

// noPolicy is the ExpectedRevisionId that asks PutResourcePolicy to attach a policy only
// when the table has none (API_PutResourcePolicy.html).
const noPolicy = "NO_POLICY"

// parseTablePolicy validates a table policy as PutResourcePolicy does and returns it in the
// compact form DynamoDB reads it back in (whitespace does not survive a round trip). The
// wording of each refusal is what DynamoDB answers; those it shares with IAM come from the
// policy package.
func parseTablePolicy(text string) (*policy.Document, string, error) {
	invalid := func(msg string) error {
		return validationErr("One or more parameter values were invalid: Invalid policy document: %s", msg)
	}
	if len(text) > maxPolicyBytes {
		return nil, "", validationErr("One or more parameter values were invalid: Maximum policy size of %d bytes exceeded", maxPolicyBytes)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(text)); err != nil || !bytes.HasPrefix(compact.Bytes(), []byte("{")) {
		return nil, "", invalid("This policy contains invalid Json")
	}
	var shape struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(compact.Bytes(), &shape); err != nil {
		return nil, "", invalid("This policy contains invalid Json")
	}
	stmts, err := statementObjects(shape.Statement)
	if err != nil {
		return nil, "", invalid("This policy contains invalid Json")
	}
	if len(stmts) == 0 {
		return nil, "", invalid("Could not parse the policy: Statement is empty!")
	}
	sids := map[string]bool{}
	for _, st := range stmts {
		if _, ok := st["Resource"]; !ok {
			if _, ok := st["NotResource"]; !ok {
				return nil, "", invalid("Missing required field Resource")
			}
		}
		var sid string
		if raw, ok := st["Sid"]; ok && json.Unmarshal(raw, &sid) == nil && sid != "" {
			if sids[sid] {
				return nil, "", invalid("The Statement Ids in the policy are not unique")
			}
			sids[sid] = true
		}
	}
	doc, err := policy.ParseResource(compact.Bytes())
	if err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			return nil, "", invalid(pe.Message)
		}
		return nil, "", invalid("This policy contains invalid Json")
	}
	for _, st := range doc.Statement {
		// DynamoDB's Block Public Access refuses an unconditional Allow to everyone
		// (developerguide/rbac-bpa-rbp.html).
		if st.Effect == policy.EffectAllow && st.Principal != nil && len(st.Condition) == 0 && everyone(st.Principal) {
			return nil, "", validationErr("Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access")
		}
	}
	return doc, compact.String(), nil
}

func everyone(p *policy.Principal) bool {
	if p.Wildcard {
		return true
	}
	for _, a := range p.AWS {
		if a == "*" {
			return true
		}
	}
	return false
}

// statementObjects reads Statement as one object or a list of them, as the policy language allows.
func statementObjects(raw json.RawMessage) ([]map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var one map[string]json.RawMessage
		err := json.Unmarshal(raw, &one)
		return []map[string]json.RawMessage{one}, err
	}
	var many []map[string]json.RawMessage
	err := json.Unmarshal(raw, &many)
	return many, err
}

// nextRevision is a new revision id: DynamoDB's are millisecond timestamps, which its
// documentation tells callers to compare as strings; a later revision is always larger.
func (s *Service) nextRevision(prev string) string {
	now := s.env.Now().UnixMilli()
	if p, err := strconv.ParseInt(prev, 10, 64); err == nil && p >= now {
		now = p + 1
	}
	return strconv.FormatInt(now, 10)
}

// policyTable authorizes op on the table a policy operation's ResourceArn names and returns
// it, with the refusals DynamoDB gives each kind of ARN.
func (s *Service) policyTable(ctx context.Context, op, ref string) (*table, error) {
	var v validation
	if ref == "" {
		v.add("Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
	} else if len(ref) > 1283 {
		v.add("Value '%s' at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 1283", ref)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(ref, "arn:") {
		return nil, validationErr("One or more parameter values were invalid: ARNs must start with 'arn:': %s", ref)
	}
	parts := strings.SplitN(ref, ":", 6)
	if len(parts) != 6 || parts[1] != "aws" || parts[2] != "dynamodb" || parts[3] != s.env.Region {
		return nil, validationErr("One or more parameter values were invalid: Invalid resource Arn: %s", ref)
	}
	if parts[4] != s.env.AccountID {
		return nil, validationErr("This action is only supported by accounts that match the resource owner’s account.")
	}
	rel := parts[5]
	if !strings.HasPrefix(rel, "table/") || strings.TrimPrefix(rel, "table/") == "" {
		return nil, validationErr("One or more parameter values were invalid: Provided Arn is not a DynamoDB resource %s", ref)
	}
	if table, label, ok := strings.Cut(strings.TrimPrefix(rel, "table/"), "/stream/"); ok {
		// Streams take policies too on AWS; the offline DynamoDB has none, so every stream
		// is one that does not exist (wording from ACK's notes on real DynamoDB).
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Stream: %s not found for Table: %s", label, table)
	}
	if strings.Contains(strings.TrimPrefix(rel, "table/"), "/") {
		// Index ARNs are refused.
		return nil, validationErr("One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: %s", ref)
	}
	name, t, err := s.findTable(ctx, op, ref)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
	}
	return t, nil
}

// revisionID checks an ExpectedRevisionId member (PolicyRevisionId: 1 to 255 characters).
func (v *validation) revisionID(id string) {
	if len(id) > 255 {
		v.add("Value '%s' at 'expectedRevisionId' failed to satisfy constraint: Member must have length less than or equal to 255", id)
	}
}

func errPolicyNotFound(format string, args ...any) error {
	return api.BadRequest("PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+format, args...)
}

// checkRevision enforces ExpectedRevisionId against the table's current policy (nil: none).
func checkRevision(t *table, cur *tablePolicy, expected string, put bool) error {
	switch {
	case expected == "":
		return nil
	case cur == nil && expected == noPolicy && put:
		return nil
	case cur == nil:
		return errPolicyNotFound("%s", t.arn)
	case expected == noPolicy && put:
		return errPolicyNotFound("Requested policy update expecting none to be present for table %s, but a policy exists with revision id %s.", t.name, cur.revision)
	case expected != cur.revision:
		return errPolicyNotFound("Requested update for policy with revision id %s, but the policy associated to target table %s has revision id %s.", expected, t.name, cur.revision)
	}
	return nil
}
