package sim_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// decryptPolicy is an identity policy with one statement on keyARN for kms:Decrypt.
func decryptPolicy(effect, keyARN string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"Decrypt","Effect":"` + effect + `","Action":"kms:Decrypt","Resource":"` + keyARN + `"}]}`
}

// TestIAMCustomerManagedPoliciesOverTheWire walks a customer managed policy's
// life through the SDK: create, versions (limit, default), attach, the default
// version deciding for the user (a kms:Decrypt the key policy delegates to
// IAM), listings, and the conflicts that guard deletion.
func TestIAMCustomerManagedPoliciesOverTheWire(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t, sim.Options{})
	adminCfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	admin, adminKMS := iam.NewFromConfig(adminCfg), kms.NewFromConfig(adminCfg)

	// A key with the default policy: the account delegates to IAM.
	key, err := adminKMS.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	enc, err := adminKMS.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("secret")})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	newIAMUser(t, ctx, srv, admin, "app-user")
	userKey, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("app-user")})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	userKMS := kms.NewFromConfig(sdkConfig(srv, *userKey.AccessKey.AccessKeyId, *userKey.AccessKey.SecretAccessKey))
	decrypt := func() error {
		_, err := userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
		return err
	}
	if err := decrypt(); err == nil {
		t.Fatal("Decrypt before any policy: allowed, want AccessDenied")
	}

	v1 := decryptPolicy("Allow", keyARN)
	created, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String("kmslab-decrypt"), Path: aws.String("/kmslab/"), PolicyDocument: aws.String(v1),
		Description: aws.String("Decrypt with the lab key"),
		Tags:        []iamtypes.Tag{{Key: aws.String("kmslab:run"), Value: aws.String("e2e")}},
	})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	p := created.Policy
	policyARN := "arn:aws:iam::" + srv.AccountID + ":policy/kmslab/kmslab-decrypt"
	if aws.ToString(p.Arn) != policyARN || aws.ToString(p.DefaultVersionId) != "v1" || !strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") ||
		len(aws.ToString(p.PolicyId)) != 21 || aws.ToInt32(p.AttachmentCount) != 0 || !p.IsAttachable || p.CreateDate == nil {
		t.Fatalf("CreatePolicy = %+v", p)
	}

	_, err = admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("KMSLAB-DECRYPT"), PolicyDocument: aws.String(v1)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "A policy called KMSLAB-DECRYPT already exists. Duplicate names are not allowed." {
		t.Fatalf("CreatePolicy with a taken name: %v", err)
	}
	for _, bad := range []struct{ doc, msg string }{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`, "Policy document should not specify a principal."},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt"}]}`, "Policy statement must contain resources."},
		{`{"Version":"2012-10-17",`, "This policy contains invalid Json"},
	} {
		_, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(bad.doc)})
		var mal *iamtypes.MalformedPolicyDocumentException
		if !errors.As(err, &mal) || mal.ErrorMessage() != bad.msg {
			t.Errorf("CreatePolicy %s: %v, want MalformedPolicyDocument %q", bad.doc, err, bad.msg)
		}
	}

	got, err := admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil || aws.ToString(got.Policy.Description) != "Decrypt with the lab key" || len(got.Policy.Tags) != 1 {
		t.Fatalf("GetPolicy = %+v, %v", got, err)
	}

	// Attached, the default version lets the user decrypt: the key policy
	// delegates to the account, and IAM now allows.
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("app-user"), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatalf("AttachUserPolicy: %v", err)
	}
	if err := decrypt(); err != nil {
		t.Fatalf("Decrypt with the policy attached: %v", err)
	}

	// v2 denies but is not the default: nothing changes until it becomes one.
	v2, err := admin.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN), PolicyDocument: aws.String(decryptPolicy("Deny", keyARN))})
	if err != nil || aws.ToString(v2.PolicyVersion.VersionId) != "v2" || v2.PolicyVersion.IsDefaultVersion {
		t.Fatalf("CreatePolicyVersion v2 = %+v, %v", v2, err)
	}
	if err := decrypt(); err != nil {
		t.Fatalf("Decrypt with a non-default deny version: %v", err)
	}
	if _, err := admin.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String("v2")}); err != nil {
		t.Fatalf("SetDefaultPolicyVersion v2: %v", err)
	}
	err = decrypt()
	if code, msg := apiError(t, err); code != "AccessDeniedException" || !strings.HasSuffix(msg, "with an explicit deny in an identity-based policy") {
		t.Fatalf("Decrypt with the deny version default: %s %s", code, msg)
	}
	if _, err := admin.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String("v9")}); err == nil {
		t.Fatal("SetDefaultPolicyVersion v9: succeeded")
	} else if code, msg := apiError(t, err); code != "NoSuchEntity" || msg != "Policy "+policyARN+" version v9 does not exist or is not attachable." {
		t.Fatalf("SetDefaultPolicyVersion v9: %s %s", code, msg)
	}

	// Up to five versions; v3 made default on creation.
	for i := 3; i <= 5; i++ {
		out, err := admin.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN), PolicyDocument: aws.String(v1), SetAsDefault: i == 3})
		if err != nil || aws.ToString(out.PolicyVersion.VersionId) != "v"+string(rune('0'+i)) || out.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("CreatePolicyVersion %d = %+v, %v", i, out, err)
		}
	}
	if err := decrypt(); err != nil {
		t.Fatalf("Decrypt with v3 (allow) default: %v", err)
	}
	_, err = admin.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN), PolicyDocument: aws.String(v1)})
	var limit *iamtypes.LimitExceededException
	if !errors.As(err, &limit) || limit.ErrorMessage() != "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version." {
		t.Fatalf("sixth version: %v", err)
	}
	versions, err := admin.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		t.Fatalf("ListPolicyVersions: %v", err)
	}
	var ids []string
	for _, v := range versions.Versions {
		id := aws.ToString(v.VersionId)
		if v.IsDefaultVersion {
			id += "*"
		}
		if v.Document != nil {
			t.Errorf("ListPolicyVersions %s carries its document", id)
		}
		ids = append(ids, id)
	}
	if strings.Join(ids, " ") != "v5 v4 v3* v2 v1" {
		t.Fatalf("ListPolicyVersions = %v, want newest first, v3 default", ids)
	}
	pv, err := admin.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String("v2")})
	if err != nil {
		t.Fatalf("GetPolicyVersion v2: %v", err)
	}
	if doc, err := url.QueryUnescape(aws.ToString(pv.PolicyVersion.Document)); err != nil || doc != decryptPolicy("Deny", keyARN) || pv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion v2 = %q default=%v (%v)", doc, pv.PolicyVersion.IsDefaultVersion, err)
	}

	_, err = admin.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String("v3")})
	var conflict *iamtypes.DeleteConflictException
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete the default version of a policy." {
		t.Fatalf("DeletePolicyVersion of the default: %v", err)
	}

	// Listings: Local and OnlyAttached find it, AWS does not.
	names := func(in *iam.ListPoliciesInput) string {
		t.Helper()
		out, err := admin.ListPolicies(ctx, in)
		if err != nil {
			t.Fatalf("ListPolicies: %v", err)
		}
		var n []string
		for _, p := range out.Policies {
			n = append(n, aws.ToString(p.PolicyName))
		}
		return strings.Join(n, ",")
	}
	if got := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}); got != "kmslab-decrypt" {
		t.Errorf("ListPolicies Local = %s", got)
	}
	if got := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws}); strings.Contains(got, "kmslab-decrypt") || !strings.Contains(got, "AdministratorAccess") {
		t.Errorf("ListPolicies AWS = %s", got)
	}
	if got := names(&iam.ListPoliciesInput{OnlyAttached: true}); got != "AdministratorAccess,kmslab-decrypt" {
		t.Errorf("ListPolicies OnlyAttached = %s", got)
	}
	if got := names(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, PathPrefix: aws.String("/other/")}); got != "" {
		t.Errorf("ListPolicies Local /other/ = %s", got)
	}
	ents, err := admin.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil || len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "app-user" {
		t.Fatalf("ListEntitiesForPolicy = %+v, %v", ents, err)
	}
	att, err := admin.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("app-user")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != policyARN {
		t.Fatalf("ListAttachedUserPolicies = %+v, %v", att, err)
	}
	got, err = admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil || aws.ToInt32(got.Policy.AttachmentCount) != 1 || aws.ToString(got.Policy.DefaultVersionId) != "v3" {
		t.Fatalf("GetPolicy after attach = %+v, %v", got, err)
	}

	// Deletion: refused while attached, then while versions remain.
	_, err = admin.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
	if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete a policy attached to entities." {
		t.Fatalf("DeletePolicy while attached: %v", err)
	}
	if _, err := admin.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("app-user"), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatalf("DetachUserPolicy: %v", err)
	}
	if err := decrypt(); err == nil {
		t.Fatal("Decrypt after detach: allowed")
	}
	_, err = admin.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
	if !errors.As(err, &conflict) || !strings.HasPrefix(conflict.ErrorMessage(), "This policy has more than one version.") {
		t.Fatalf("DeletePolicy with versions: %v", err)
	}
	for _, v := range []string{"v1", "v2", "v4", "v5"} {
		if _, err := admin.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(v)}); err != nil {
			t.Fatalf("DeletePolicyVersion %s: %v", v, err)
		}
	}
	if _, err := admin.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatalf("DeletePolicy: %v", err)
	}
	_, err = admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) || missing.ErrorMessage() != "Policy "+policyARN+" was not found." {
		t.Fatalf("GetPolicy after delete: %v", err)
	}

	// AWS managed policies can be attached, never changed.
	_, err = admin.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"), PolicyDocument: aws.String(v1)})
	if code, _ := apiError(t, err); code != "AccessDenied" {
		t.Fatalf("CreatePolicyVersion on an AWS managed policy: %v", err)
	}
}
