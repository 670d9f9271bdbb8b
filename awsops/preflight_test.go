package awsops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/awsops"
	"kmslab/internal/simtest"
	"kmslab/sim"
	"kmslab/steps"
)

// forceMFA is the "force MFA" pattern AWS's IAM guide shows: everything but
// managing one's own MFA is denied unless the request was signed in with MFA.
// The offline AWS has no MFA sessions, so the preflight's own reads are
// exempted too, for it to run at all.
const forceMFA = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny",
"NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","sts:GetSessionToken","iam:SimulatePrincipalPolicy","iam:GetRole"],
"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// preflightAs runs the preflight of the first lab as a caller with cfg.
func preflightAs(t *testing.T, e *env, creds aws.CredentialsProvider) awsops.PreflightResult {
	t.Helper()
	cfg := e.cfg.Copy()
	cfg.Credentials = creds
	lab, err := awsops.New(cfg, e.opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	res, err := lab.Preflight(context.Background(), steps.KMS().Actions())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPreflightForceMFA: a role whose policies deny everything without MFA.
// Its session's temporary credentials may or may not have used MFA, which
// the lab cannot know: a warning, and the lab goes on. An IAM user with the
// same policies and a long-term key is surely refused (AWS sets no
// aws:MultiFactorAuthPresent for long-term keys): listed as missing.
func TestPreflightForceMFA(t *testing.T) {
	t.Parallel()
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	ic := iam.NewFromConfig(e.cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + e.srv.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mfa-admin"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"all": allowAll, "mfa": forceMFA} {
		if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("mfa-admin"), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := sts.NewFromConfig(e.cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + e.srv.AccountID + ":role/mfa-admin"), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	res := preflightAs(t, e, credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
	if len(res.Missing) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "MFA") {
		t.Fatalf("role session under force-MFA: %+v", res)
	}

	_, key := simtest.CreateUser(ctx, t, ic, simtest.User{Name: "mfa-user", Inline: map[string]string{"all": allowAll, "mfa": forceMFA}})
	res = preflightAs(t, e, credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), ""))
	if len(res.Missing) == 0 || len(res.Warnings) != 0 {
		t.Fatalf("long-term key under force-MFA: %+v, want every action missing", res)
	}
}

// TestPreflightConditionedAllow: an allow conditioned on the time and on
// the caller's own account is met by the lab's calls, so nothing is
// missing (without the context values the simulator would refuse all).
// The KMS actions on the lab's key are left to its key policy.
func TestPreflightConditionedAllow(t *testing.T) {
	t.Parallel()
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	cond := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"kms:*","Resource":"*",
"Condition":{"DateLessThan":{"aws:CurrentTime":"2100-01-01T00:00:00Z"},"StringEquals":{"aws:PrincipalAccount":"` + e.srv.AccountID + `"}}},
{"Effect":"Allow","Action":["kms:CreateKey","kms:CreateAlias","kms:DeleteAlias","kms:ListKeys","kms:ListAliases"],"Resource":"*"}]}`
	_, key := simtest.CreateUser(ctx, t, iam.NewFromConfig(e.cfg), simtest.User{Name: "conditioned", Inline: map[string]string{"p": cond}})
	res := preflightAs(t, e, credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), ""))
	if len(res.Missing) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("conditioned allow: %+v", res)
	}
}

// TestSSORolePathSurvives: an SSO role lives under a path; the session's ARN
// drops it, and the key policy must name the role as IAM knows it, path
// included (read with iam:GetRole).
func TestSSORolePathSurvives(t *testing.T) {
	t.Parallel()
	e := startSim(t, sim.Options{})
	ctx := context.Background()
	ic := iam.NewFromConfig(e.cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + e.srv.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	const path = "/aws-reserved/sso.amazonaws.com/"
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AWSReservedSSO_Admin_0123456789abcdef"), Path: aws.String(path),
		AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role.Role.RoleName, PolicyName: aws.String("all"), PolicyDocument: aws.String(allowAll)}); err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(e.cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("alice@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	cfg := e.cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	lab, err := awsops.New(cfg, e.opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	key, err := lab.CreateKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := aws.ToString(role.Role.Arn)
	if !strings.Contains(want, path) || !strings.Contains(key.Policy, `"`+want+`"`) {
		t.Fatalf("the key policy does not name %s:\n%s", want, key.Policy)
	}
	if _, err := lab.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
}
