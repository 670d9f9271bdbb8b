package iam

import (
	"errors"
	"sort"
	"testing"

	"kmslab/sim/api"
	"kmslab/sim/wire"
)

// FuzzHandlers feeds arbitrary forms to every operation: none may panic, and
// every failure must be a client error with an AWS code, never a 500.
func FuzzHandlers(f *testing.F) {
	f.Add("CreateUser", "UserName=bob&Path=%2Fa%2F&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add("PutUserPolicy", "UserName=lab-admin&PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D")
	f.Add("SimulatePrincipalPolicy", "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Flab-admin&ActionNames.member.1=kms%3ADecrypt"+
		"&ResourceArns.member.1=arn%3Aaws%3Akms%3Aus-east-1%3A111122223333%3Akey%2Fk&ContextEntries.member.1.ContextKeyName=kms%3AViaService")
	f.Add("ListUsers", "MaxItems=1&Marker=YWxpY2U")
	f.Add("AttachUserPolicy", "UserName=lab-admin&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess")
	f.Add("UpdateAccessKey", "AccessKeyId=AKIAADMINADMINADMIN1&Status=Inactive")
	f.Add("CreatePolicy", "PolicyName=p&Path=%2Fa%2F&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D")
	f.Add("CreatePolicyVersion", "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fp&SetAsDefault=true&PolicyDocument=%7B%7D")
	f.Add("CreateRole", "RoleName=r&MaxSessionDuration=3600&AssumeRolePolicyDocument=%7B%22Statement%22%3A%5B%5D%7D")
	f.Add("AddUserToGroup", "GroupName=g&UserName=lab-admin")
	fx := newFixture(&testing.T{}, Options{})
	ops := make([]string, 0, len(fx.svc.Handlers()))
	for op := range fx.svc.Handlers() {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	f.Fuzz(func(t *testing.T, op, raw string) {
		fx := newFixture(t, Options{})
		h, ok := fx.svc.Handlers()[op]
		if !ok {
			h = fx.svc.Handlers()[ops[len(op)%len(ops)]]
		}
		form, err := wire.ParseForm("", []byte(raw))
		if err != nil {
			return
		}
		ctx := api.WithRequest(t.Context(), &api.Request{Service: "iam", Principal: fx.admin})
		_, err = h(ctx, form)
		if err == nil {
			return
		}
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Status >= 500 || ae.Code == "" {
			t.Fatalf("%s(%q): %v", op, raw, err)
		}
	})
}
