package iam

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

// STS AssumeRole is served here because IAM owns roles and the sessions it
// issues (LookupAccessKey authenticates them); the sts package routes to it.

var (
	ruleRoleARN     = stringRule{min: 20, max: 2048}
	ruleSessionName = stringRule{min: 2, max: 64, re: lazyRegexp(`^[\w+=,.@-]*$`), pat: `[\w+=,.@-]*`}
	ruleExternalID  = stringRule{min: 2, max: 1224, re: lazyRegexp(`^[\w+=,.@:/-]*$`), pat: `[\w+=,.@:\/-]*`}
)

// Session lifetimes AWS allows.
const (
	minSessionSeconds     = 900
	maxSessionSeconds     = 43200
	defaultSessionSeconds = 3600
	chainedSessionSeconds = 3600 // a role session assuming a role gets at most an hour
)

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResult struct {
	Credentials     credentialsXML     `xml:"Credentials"`
	AssumedRoleUser assumedRoleUserXML `xml:"AssumedRoleUser"`
}

// unsupportedAssumeRole are AssumeRole parameters the offline STS does not
// implement. Ignoring them would hand out more than the caller asked for (a
// session policy only narrows) or skip a check (MFA), so they are refused.
var unsupportedAssumeRole = []string{"Policy", "PolicyArns", "Tags", "TransitiveTagKeys", "SerialNumber", "TokenCode", "SourceIdentity", "ProvidedContexts"}

// AssumeRole is STS AssumeRole: the caller's identity policies must allow
// sts:AssumeRole on the role and the role's trust policy must admit the
// caller (one naming the caller directly suffices by itself; one naming the
// account delegates to the caller's identity policies, as for KMS key
// policies). It returns temporary credentials for a role session.
func (s *Service) AssumeRole(ctx context.Context, form url.Values) (any, error) {
	v := newValidator(form)
	roleARN, _ := v.str("RoleArn", true, ruleRoleARN)
	name, _ := v.str("RoleSessionName", true, ruleSessionName)
	seconds := v.integer("DurationSeconds", minSessionSeconds, maxSessionSeconds, defaultSessionSeconds)
	externalID, hasExternalID := v.str("ExternalId", false, ruleExternalID)
	if err := v.err(); err != nil {
		return nil, err
	}
	for _, p := range unsupportedAssumeRole {
		if hasParam(form, p) {
			return nil, api.BadRequest("ValidationError", "The offline STS does not support %s on AssumeRole; call it without %s.", p, p)
		}
	}
	caller := api.CallerFrom(ctx)
	if caller == nil {
		return nil, api.Errorf(http.StatusForbidden, "AccessDenied", "no caller")
	}
	if caller.IsRoot {
		return nil, api.Errorf(http.StatusForbidden, "AccessDenied", "Roles may not be assumed by root accounts.")
	}

	extra := policy.Context{"sts:RoleSessionName": {name}}
	if hasExternalID {
		extra["sts:ExternalId"] = []string{externalID}
	}
	r, found := s.Role(roleARN)
	if !found {
		// Without a role there is no trust policy to admit anyone: AWS says
		// AccessDenied, never whether the role exists.
		req := api.RequestFrom(ctx)
		if req != nil {
			req.Touch(roleARN)
			req.Decision = "Deny"
		}
		return nil, authz.AccessDenied(req, "User: "+caller.ARN+" is not authorized to perform: sts:AssumeRole on resource: "+roleARN)
	}
	if s.az == nil {
		return nil, &api.Error{Code: "ServiceFailure", Message: "IAM has no authorizer", Status: 500}
	}
	if err := s.az.Require(ctx, authz.Check{Action: "sts:AssumeRole", Resource: roleARN, ResourcePolicy: r.Trust, KMS: true, Context: extra}); err != nil {
		return nil, err
	}
	d := time.Duration(seconds) * time.Second
	if _, chained := assumedRoleName(caller.ARN); chained && d > chainedSessionSeconds*time.Second && hasParam(form, "DurationSeconds") {
		return nil, api.BadRequest("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if d > r.MaxSession {
		return nil, api.BadRequest("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	ss, err := s.IssueSession(r, name, d)
	if err != nil {
		return nil, err
	}
	return assumeRoleResult{
		Credentials: credentialsXML{AccessKeyID: ss.AccessKeyID, SecretAccessKey: ss.SecretAccessKey, SessionToken: ss.SessionToken,
			Expiration: timestamp(ss.Expiration)},
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleID: ss.AssumedRoleID, Arn: ss.ARN},
	}, nil
}

// hasParam reports whether form carries name, as a scalar or as list members.
func hasParam(form url.Values, name string) bool {
	for k := range form {
		if k == name || strings.HasPrefix(k, name+".") {
			return true
		}
	}
	return false
}
