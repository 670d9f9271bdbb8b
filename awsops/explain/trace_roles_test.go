package explain_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/awsops/explain"
	"kmslab/policy"
)

// keyWith creates a key whose policy is the admin statement and sts, and
// some data under it; it returns the key ARN and the ciphertext.
func (e *traceEnv) keyWith(t *testing.T, sts ...string) (string, []byte) {
	t.Helper()
	ctx := context.Background()
	k := kms.NewFromConfig(e.cfg)
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	blob, err := k.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("secret")})
	if err != nil {
		t.Fatal(err)
	}
	all := append([]string{strings.ReplaceAll(stAdminTmpl, "%ADMIN%", e.admin)}, sts...)
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(all, ",") + `]}`
	if _, err := k.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(doc)}); err != nil {
		t.Fatalf("PutKeyPolicy %s: %v", doc, err)
	}
	return keyARN, blob.CiphertextBlob
}

func (e *traceEnv) explain(t *testing.T, principal, keyARN string) *explain.Trace {
	t.Helper()
	tr, err := explain.New(e.cfg).Explain(context.Background(), explain.TraceRequest{Principal: principal, Action: "kms:Decrypt", Key: keyARN})
	if err != nil {
		t.Fatalf("Explain %s: %v", principal, err)
	}
	return tr
}

func decryptAs(t *testing.T, cfg aws.Config, blob []byte) string {
	t.Helper()
	_, err := kms.NewFromConfig(cfg).Decrypt(context.Background(), &kms.DecryptInput{CiphertextBlob: blob})
	return answer(err)
}

// TestTraceGroupPolicy: a user whose only kms:Decrypt is a group's inline
// policy, on a key that delegates to the account. The trace must find the
// group's policy and agree with the call the user then makes.
func TestTraceGroupPolicy(t *testing.T) {
	e := startTraceSim(t)
	ctx := context.Background()
	keyARN, blob := e.keyWith(t, strings.ReplaceAll(stRoot, "%ROOT%", "arn:aws:iam::111122223333:root"))
	creds := e.user(t, "member", nil, nil)
	c := iam.NewFromConfig(e.cfg)
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers")}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[` + strings.ReplaceAll(idDecrypt, "%KEY%", keyARN) + `]}`
	if _, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("decrypt"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("member")}); err != nil {
		t.Fatal(err)
	}

	tr := e.explain(t, "member", keyARN)
	got := decryptAs(t, e.clientCfg(creds), blob)
	if tr.Verdict() != "Allowed" || got != "Allowed" {
		t.Fatalf("trace says %s (%s), the offline AWS answered %s, want Allowed\n%s", tr.Verdict(), tr.Reason, got, traceText(tr))
	}
	var via *policy.PolicyTrace
	for i, p := range tr.Policies {
		if p.Kind == policy.KindGroupInline && p.Group == "readers" && p.Name == "decrypt" {
			via = &tr.Policies[i]
		}
	}
	if via == nil || via.Decision != policy.Allow {
		t.Errorf("the group's inline policy is not what allows:\n%s", traceText(tr))
	}
	if len(tr.Missing) > 0 || tr.Simulator != "allowed" {
		t.Errorf("missing %q, simulator %q", tr.Missing, tr.Simulator)
	}
}

// TestTraceRoleSession: a role the key policy names, one with a path that it
// names by its full ARN (the session's ARN has no path, the match must still
// hold), and one it does not name (with no IAM permission either). Each is assumed and its session decrypts
// for real; the trace for the session's ARN, and for the role, must say
// what the offline AWS did, and must say the simulator would not answer.
func TestTraceRoleSession(t *testing.T) {
	e := startTraceSim(t)
	ctx := context.Background()
	const root = "arn:aws:iam::111122223333:root"
	c := iam.NewFromConfig(e.cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + root + `"},"Action":"sts:AssumeRole"}]}`
	roles := map[string]string{}
	for name, path := range map[string]string{"named-role": "/", "pathed-role": "/team/app/", "other-role": "/"} {
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatal(err)
		}
		roles[name] = aws.ToString(out.Role.Arn)
	}
	if want := "arn:aws:iam::111122223333:role/team/app/pathed-role"; roles["pathed-role"] != want {
		t.Fatalf("role ARN %s, want %s", roles["pathed-role"], want)
	}
	keyARN, blob := e.keyWith(t, strings.ReplaceAll(stRoot, "%ROOT%", root),
		`{"Sid":"Role use","Effect":"Allow","Principal":{"AWS":["`+roles["named-role"]+`","`+roles["pathed-role"]+`"]},"Action":"kms:Decrypt","Resource":"*"}`)
	assumer := e.user(t, "assumer", nil, []string{`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`})

	for _, c := range []struct {
		role, want string
	}{{"named-role", "Allowed"}, {"pathed-role", "Allowed"}, {"other-role", "AccessDenied"}} {
		t.Run(c.role, func(t *testing.T) {
			s, err := sts.NewFromConfig(e.clientCfg(assumer)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roles[c.role]), RoleSessionName: aws.String("s1")})
			if err != nil {
				t.Fatal(err)
			}
			session := aws.ToString(s.AssumedRoleUser.Arn)
			if !strings.Contains(session, ":assumed-role/"+c.role+"/s1") {
				t.Fatalf("session ARN %s", session)
			}
			creds := credentials.NewStaticCredentialsProvider(aws.ToString(s.Credentials.AccessKeyId), aws.ToString(s.Credentials.SecretAccessKey), aws.ToString(s.Credentials.SessionToken))
			got := decryptAs(t, e.clientCfg(&creds), blob)
			if got != c.want {
				t.Fatalf("the session's Decrypt: %s, want %s", got, c.want)
			}
			for _, principal := range []string{session, roles[c.role], "role/" + c.role} {
				tr := e.explain(t, principal, keyARN)
				if tr.Verdict() != got {
					t.Errorf("%s: trace says %s (%s), the offline AWS answered %s\n%s", principal, tr.Verdict(), tr.Reason, got, traceText(tr))
				}
				if tr.Principal != principal && principal == session {
					t.Errorf("trace is for %s, want %s", tr.Principal, principal)
				}
				if v := contextValue(tr, "aws:PrincipalType"); v != "AssumedRole" {
					t.Errorf("%s: aws:PrincipalType %q", principal, v)
				}
				if v := contextValue(tr, "aws:PrincipalArn"); v != roles[c.role] {
					t.Errorf("%s: aws:PrincipalArn %q", principal, v)
				}
				if tr.Simulator != "" || len(tr.Missing) != 1 || !strings.Contains(tr.Missing[0], "CallerArn") {
					t.Errorf("%s: simulator %q, missing %q: want the simulator's refusal named", principal, tr.Simulator, tr.Missing)
				}
			}
		})
	}
}

func contextValue(tr *explain.Trace, key string) string {
	for _, c := range tr.Context {
		if c.Key == key {
			return strings.Join(c.Values, ",")
		}
	}
	return ""
}
