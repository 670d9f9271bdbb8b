package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"kmslab/sim"
)

// TestIAMResponseAttributes: which optional attributes CreatePolicy/GetPolicy/ListPolicies,
// CreateRole/GetRole/ListRoles and CreateUser/GetUser/ListUsers return with and without the
// optional parameters, as AWS answers them (moto's aws_verified
// test_*_resource_returns_subset_of_available_attributes).
func TestIAMResponseAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	c := iam.NewFromConfig(sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey))
	boundary, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	boundaryARN := boundary.Policy.Arn
	tags := []iamtypes.Tag{{Key: aws.String("somekey"), Value: aws.String("somevalue")}}
	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`
	for _, optional := range []bool{true, false} {
		name := map[bool]string{true: "with", false: "without"}[optional]
		path := "/" + name + "/"

		pin := &iam.CreatePolicyInput{Path: aws.String(path), PolicyName: aws.String("pol-" + name),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)}
		if optional {
			pin.Description, pin.Tags = aws.String("test description"), tags
		}
		cp, err := c.CreatePolicy(ctx, pin)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Policy.Description != nil || (cp.Policy.Tags != nil) != optional {
			t.Errorf("CreatePolicy %s: Description %v, Tags %v", name, cp.Policy.Description, cp.Policy.Tags)
		}
		gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: cp.Policy.Arn})
		if err != nil || (gp.Policy.Description != nil) != optional || gp.Policy.Tags == nil {
			t.Errorf("GetPolicy %s: Description %v, Tags %v, %v", name, gp.Policy.Description, gp.Policy.Tags, err)
		}
		lp, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{PathPrefix: aws.String(path), Scope: iamtypes.PolicyScopeTypeLocal})
		if err != nil || len(lp.Policies) != 1 || lp.Policies[0].Description != nil || lp.Policies[0].Tags != nil {
			t.Errorf("ListPolicies %s: %+v %v", name, lp, err)
		}

		rin := &iam.CreateRoleInput{Path: aws.String(path), RoleName: aws.String("role-" + name),
			AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("test")}
		uin := &iam.CreateUserInput{Path: aws.String(path), UserName: aws.String("user-" + name)}
		if optional {
			rin.PermissionsBoundary, rin.Tags = boundaryARN, tags
			uin.PermissionsBoundary, uin.Tags = boundaryARN, tags
		}
		cr, err := c.CreateRole(ctx, rin)
		if err != nil {
			t.Fatal(err)
		}
		gr, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: rin.RoleName})
		if err != nil {
			t.Fatal(err)
		}
		for what, r := range map[string]*iamtypes.Role{"CreateRole": cr.Role, "GetRole": gr.Role} {
			if (r.PermissionsBoundary != nil) != optional || (r.Tags != nil) != optional {
				t.Errorf("%s %s: PermissionsBoundary %+v, Tags %v", what, name, r.PermissionsBoundary, r.Tags)
			}
			if optional && (aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(boundaryARN) ||
				r.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy) {
				t.Errorf("%s: PermissionsBoundary %+v", what, r.PermissionsBoundary)
			}
		}
		lr, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(path)})
		if err != nil || len(lr.Roles) != 1 || lr.Roles[0].PermissionsBoundary != nil || lr.Roles[0].RoleLastUsed != nil || lr.Roles[0].Tags != nil {
			t.Errorf("ListRoles %s: %+v %v", name, lr, err)
		}

		cu, err := c.CreateUser(ctx, uin)
		if err != nil {
			t.Fatal(err)
		}
		gu, err := c.GetUser(ctx, &iam.GetUserInput{UserName: uin.UserName})
		if err != nil {
			t.Fatal(err)
		}
		for what, u := range map[string]*iamtypes.User{"CreateUser": cu.User, "GetUser": gu.User} {
			if (u.PermissionsBoundary != nil) != optional || (u.Tags != nil) != optional {
				t.Errorf("%s %s: PermissionsBoundary %+v, Tags %v", what, name, u.PermissionsBoundary, u.Tags)
			}
		}
		lu, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String(path)})
		if err != nil || len(lu.Users) != 1 || lu.Users[0].PermissionsBoundary != nil || lu.Users[0].Tags != nil {
			t.Errorf("ListUsers %s: %+v %v", name, lu, err)
		}
	}
	gb, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: boundaryARN})
	if err != nil || aws.ToInt32(gb.Policy.PermissionsBoundaryUsageCount) != 2 {
		t.Fatalf("the boundary's PermissionsBoundaryUsageCount: %+v %v", gb.Policy, err)
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: boundaryARN, PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsBoundary})
	if err != nil || len(ents.PolicyUsers) != 1 || len(ents.PolicyRoles) != 1 {
		t.Fatalf("ListEntitiesForPolicy PermissionsBoundary: %+v %v", ents, err)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("nobound"), AssumeRolePolicyDocument: aws.String(trust),
		PermissionsBoundary: aws.String("arn:aws:iam::" + srv.AccountID + ":policy/missing")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Fatalf("CreateRole with a missing boundary policy: %v", err)
	}
}

// TestPermissionsBoundaryCapsTheUser: a user whose IAM policies allow dynamodb:* but whose
// boundary allows only Describe* may describe a table and not scan it, with AWS's message
// naming the boundary; a table policy naming the user is not capped by the boundary.
func TestPermissionsBoundaryCapsTheUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	admin := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	c, ddb := iam.NewFromConfig(admin), dynamodb.NewFromConfig(admin)
	createTable(t, ddb, "bounded", false, nil)
	bp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("describe-only"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Describe*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"), PermissionsBoundary: bp.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bounded")})
	if err != nil {
		t.Fatal(err)
	}
	user := dynamodb.NewFromConfig(sdkConfig(srv, aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)))
	if _, err := user.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("bounded")}); err != nil {
		t.Fatalf("DescribeTable within the boundary: %v", err)
	}
	_, err = user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("bounded")})
	code, msg := apiError(t, err)
	if code != "AccessDeniedException" || !strings.HasSuffix(msg, " because no permissions boundary allows the dynamodb:Scan action") {
		t.Fatalf("Scan beyond the boundary: %s %s", code, msg)
	}
	tableARN := "arn:aws:dynamodb:" + srv.Region + ":" + srv.AccountID + ":table/bounded"
	userARN := "arn:aws:iam::" + srv.AccountID + ":user/bounded"
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARN),
		Policy: aws.String(tablePolicy("Allow", userARN, tableARN, "dynamodb:Scan"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("bounded")}); err != nil {
		t.Fatalf("Scan allowed by a table policy naming the user, past the boundary: %v", err)
	}
	if _, err := ddb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(tableARN)}); err != nil {
		t.Fatal(err)
	}

	// Without the boundary the IAM policy decides alone; with it again, the boundary caps.
	if _, err := c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bounded")}); err != nil {
		t.Fatalf("DeleteUserPermissionsBoundary: %v", err)
	}
	if _, err := user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("bounded")}); err != nil {
		t.Fatalf("Scan without the boundary: %v", err)
	}
	if _, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: bp.Policy.Arn}); err != nil {
		t.Fatalf("PutUserPermissionsBoundary: %v", err)
	}
	if _, err := user.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("bounded")}); err == nil {
		t.Fatal("Scan with the boundary put back: succeeded")
	}
	_, err = c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"),
		PermissionsBoundary: aws.String("arn:aws:iam::" + srv.AccountID + ":policy/missing")})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Fatalf("PutUserPermissionsBoundary with a missing policy: %v", err)
	}

	trust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bounded-role"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded-role"), PermissionsBoundary: bp.Policy.Arn}); err != nil {
		t.Fatalf("PutRolePermissionsBoundary: %v", err)
	}
	if r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("bounded-role")}); err != nil || r.Role.PermissionsBoundary == nil {
		t.Fatalf("GetRole after PutRolePermissionsBoundary: %+v %v", r, err)
	}
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("bounded-role")}); err != nil {
		t.Fatalf("DeleteRolePermissionsBoundary: %v", err)
	}
	if r, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("bounded-role")}); err != nil || r.Role.PermissionsBoundary != nil {
		t.Fatalf("GetRole after DeleteRolePermissionsBoundary: %+v %v", r, err)
	}
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("no-role"), PermissionsBoundary: bp.Policy.Arn})
	if code, _ := apiError(t, err); code != "NoSuchEntity" {
		t.Fatalf("PutRolePermissionsBoundary on a missing role: %v", err)
	}
}
