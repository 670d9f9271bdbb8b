package kms

import (
	"context"
	"testing"
	"time"
)

func TestKeyPolicyDecidesDecrypt(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey(consolePolicy([]string{adminARN}, []string{adminARN}))["KeyId"].(string)
	arn := "arn:aws:kms:us-east-1:111122223333:key/" + id
	blob := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"]

	// The user's IAM policy allows only kms:DescribeKey and kms:ListAliases, and the
	// key policy delegates to IAM through the root statement: IAM says no.
	_, req, err := f.call(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob})
	checkErr(t, "Decrypt as user", err, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:Decrypt on resource: "+arn+" because no identity-based policy allows the kms:Decrypt action")
	if req.Decision != "Deny" || len(req.Resources) != 1 || req.Resources[0] != arn {
		t.Fatalf("request record: decision %q resources %v", req.Decision, req.Resources)
	}
	// DescribeKey is allowed by the same IAM policy through the root delegation.
	f.must(f.user, "DescribeKey", map[string]any{"KeyId": id})

	// Adding the user to "Allow use of the key" is enough: the key policy names them.
	f.must(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": consolePolicy([]string{adminARN}, []string{adminARN, userARN})})
	_, req, err = f.call(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob})
	if err != nil || req.Decision != "Allow" {
		t.Fatalf("Decrypt after PutKeyPolicy: %v (%s)", err, req.Decision)
	}
	// ... but not to manage it, nor to create grants outside an AWS service.
	f.fails(f.user, "DisableKey", map[string]any{"KeyId": id}, "AccessDeniedException", "")
	f.fails(f.user, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Decrypt"}}, "AccessDeniedException", "")
}

func TestKMSRuleKeyPolicyMustAllow(t *testing.T) {
	f := newFixture(t, Options{})
	// No root statement: the admin's AdministratorAccess is worth nothing on this key.
	md := f.must(f.admin, "CreateKey", map[string]any{"Policy": noRootPolicy(userARN), "BypassPolicyLockoutSafetyCheck": true})["KeyMetadata"].(map[string]any)
	f.fails(f.admin, "DescribeKey", map[string]any{"KeyId": md["KeyId"]}, "AccessDeniedException",
		"User: "+adminARN+" is not authorized to perform: kms:DescribeKey on resource: "+md["Arn"].(string)+" because no resource-based policy allows the kms:DescribeKey action")
	// The user named in the key policy needs no IAM permission at all.
	f.must(f.user, "DisableKey", map[string]any{"KeyId": md["KeyId"]})
}

func TestLockoutAndPrincipalChecks(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	const lockout = "The new key policy will not allow you to update the key policy in the future."
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": noRootPolicy(userARN)}, "MalformedPolicyDocumentException", lockout)
	f.fails(f.admin, "CreateKey", map[string]any{"Policy": noRootPolicy(userARN)}, "MalformedPolicyDocumentException", lockout)
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": noRootPolicy("arn:aws:iam::111122223333:user/ghost")},
		"MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals.")
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": `{"Statement":[`}, "MalformedPolicyDocumentException", "")
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`},
		"MalformedPolicyDocumentException", "")
	// The policy is unchanged by refused attempts.
	if p := f.must(f.admin, "GetKeyPolicy", map[string]any{"KeyId": id})["Policy"].(string); p != defaultPolicy(acct) {
		t.Fatalf("policy changed: %s", p)
	}
	// Bypassing the check is allowed, and locks the admin out for real.
	f.must(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": noRootPolicy(userARN), "BypassPolicyLockoutSafetyCheck": true})
	f.fails(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": defaultPolicy(acct)}, "AccessDeniedException",
		"User: "+adminARN+" is not authorized to perform: kms:PutKeyPolicy on resource: arn:aws:kms:us-east-1:111122223333:key/"+id+" because no resource-based policy allows the kms:PutKeyPolicy action")
	// The user named directly still manages it, but the lockout check applies to them
	// too: the default policy only delegates to IAM, which gives them nothing.
	f.fails(f.user, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": defaultPolicy(acct)}, "MalformedPolicyDocumentException", lockout)
	f.must(f.user, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": noRootPolicy(userARN, adminARN)})
	f.must(f.admin, "DescribeKey", map[string]any{"KeyId": id})
}

func TestPolicyDelay(t *testing.T) {
	f := newFixture(t, Options{PolicyDelay: 10 * time.Second})
	id := f.createKey(consolePolicy([]string{adminARN}, []string{adminARN}))["KeyId"].(string)
	blob := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"]
	// A new key's own policy applies at once.
	f.must(f.admin, "Decrypt", map[string]any{"CiphertextBlob": blob})

	newPolicy := consolePolicy([]string{adminARN}, []string{adminARN, userARN})
	f.must(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": newPolicy})
	if got := f.must(f.admin, "GetKeyPolicy", map[string]any{"KeyId": id})["Policy"]; got != newPolicy {
		t.Fatal("GetKeyPolicy does not show the new policy at once")
	}
	f.now = f.now.Add(9 * time.Second)
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob}, "AccessDeniedException", "")
	f.now = f.now.Add(time.Second)
	f.must(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob})

	// Taking the user out again also takes the delay to apply.
	f.must(f.admin, "PutKeyPolicy", map[string]any{"KeyId": id, "Policy": consolePolicy([]string{adminARN}, []string{adminARN})})
	f.now = f.now.Add(5 * time.Second)
	f.must(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob})
	f.now = f.now.Add(5 * time.Second)
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob}, "AccessDeniedException", "")
}

func TestGrants(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	ctx := map[string]string{"purpose": "lab"}
	blob := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x")), "EncryptionContext": ctx})["CiphertextBlob"]
	other := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x")), "EncryptionContext": map[string]string{"purpose": "other"}})["CiphertextBlob"]
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx}, "AccessDeniedException", "")

	g := f.must(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Decrypt"},
		"Constraints": map[string]any{"EncryptionContextSubset": ctx}, "Name": "lab"})
	gid := g["GrantId"].(string)
	if len(gid) != 64 || g["GrantToken"] == "" {
		t.Fatalf("CreateGrant: %v", g)
	}
	// Same name and parameters: the same grant, a new token.
	if again := f.must(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Decrypt"},
		"Constraints": map[string]any{"EncryptionContextSubset": ctx}, "Name": "lab"}); again["GrantId"] != gid || again["GrantToken"] == g["GrantToken"] {
		t.Fatalf("idempotent CreateGrant: %v", again)
	}
	f.must(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx})
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": other, "EncryptionContext": map[string]string{"purpose": "other"}}, "AccessDeniedException", "")
	f.fails(f.user, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x")), "EncryptionContext": ctx}, "AccessDeniedException", "")

	grants := f.must(f.admin, "ListGrants", map[string]any{"KeyId": id})["Grants"].([]any)
	if len(grants) != 1 || grants[0].(map[string]any)["GranteePrincipal"] != userARN || grants[0].(map[string]any)["IssuingAccount"] != "arn:aws:iam::111122223333:root" {
		t.Fatalf("ListGrants: %v", grants)
	}
	f.fails(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Sign"}}, "ValidationException", "")
	f.fails(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Fly"}}, "ValidationException",
		"1 validation error detected: Value 'Fly' at 'operations.1.member' failed to satisfy constraint: Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret]")

	// The grantee cannot retire a grant that does not let it; the admin can revoke.
	f.fails(f.user, "RetireGrant", map[string]any{"GrantToken": g["GrantToken"]}, "AccessDeniedException", "")
	f.must(f.admin, "RevokeGrant", map[string]any{"KeyId": id, "GrantId": gid})
	f.fails(f.admin, "RevokeGrant", map[string]any{"KeyId": id, "GrantId": gid}, "NotFoundException", "")
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob, "EncryptionContext": ctx}, "AccessDeniedException", "")

	// A retiring principal retires by token.
	g = f.must(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "RetiringPrincipal": userARN, "Operations": []string{"Decrypt"}})
	f.must(f.user, "RetireGrant", map[string]any{"GrantToken": g["GrantToken"]})
	f.fails(f.user, "RetireGrant", map[string]any{"GrantToken": g["GrantToken"]}, "InvalidGrantTokenException", "")
}

func TestExplicitDenyBeatsGrant(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	blob := f.must(f.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"]
	f.must(f.admin, "CreateGrant", map[string]any{"KeyId": id, "GranteePrincipal": userARN, "Operations": []string{"Decrypt"}})
	f.must(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob})
	f.iam.policies[userARN] = append(f.iam.policies[userARN], identity(t, "deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}`))
	f.fails(f.user, "Decrypt", map[string]any{"CiphertextBlob": blob}, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/"+id+" with an explicit deny in an identity-based policy")
}

func TestActingForCaller(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	id := f.createKey(consolePolicy([]string{adminARN}, []string{adminARN}))["KeyId"].(string)
	f.must(f.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": id})

	ki, err := f.svc.DescribeKeyFor(ctx, f.admin, "alias/lab", via)
	if err != nil || ki.KeyID != id || ki.State != StateEnabled || ki.Manager != ManagerCustomer {
		t.Fatalf("DescribeKeyFor: %+v %v", ki, err)
	}
	if _, err := f.svc.DescribeKeyFor(ctx, f.admin, "alias/none", via); err == nil {
		t.Fatal("DescribeKeyFor unknown alias succeeded")
	}
	if _, err := f.svc.CreateGrantFor(ctx, f.admin, ki.ARN, via, []string{"Decrypt", "Encrypt", "GenerateDataKey"}, via); err != nil {
		t.Fatalf("CreateGrantFor: %v", err)
	}
	encCtx := map[string]string{"aws:dynamodb:tableName": "t", "aws:dynamodb:subscriberId": acct}
	pt, blob, err := f.svc.GenerateDataKeyFor(ctx, f.admin, ki.ARN, encCtx, via)
	if err != nil || len(pt) != 32 {
		t.Fatalf("GenerateDataKeyFor: %d bytes, %v", len(pt), err)
	}
	back, err := f.svc.DecryptFor(ctx, f.admin, blob, encCtx, via)
	if err != nil || string(back) != string(pt) {
		t.Fatalf("DecryptFor as admin: %v", err)
	}
	// The test user has dynamodb:* and still cannot: the decisive moment of the lab.
	_, err = f.svc.DecryptFor(ctx, f.user, blob, encCtx, via)
	checkErr(t, "DecryptFor as user", err, "AccessDeniedException",
		"User: "+userARN+" is not authorized to perform: kms:Decrypt on resource: "+ki.ARN+" because no identity-based policy allows the kms:Decrypt action")
	_, err = f.svc.DecryptFor(ctx, f.admin, blob, map[string]string{"aws:dynamodb:tableName": "other"}, via)
	checkErr(t, "DecryptFor wrong context", err, "InvalidCiphertextException", "")

	evs := f.log.Events()
	last := evs[len(evs)-2] // the user's denied Decrypt
	if last.Name != "Decrypt" || last.Source != "kms.amazonaws.com" || last.Identity.ARN != userARN ||
		last.Identity.InvokedBy != "dynamodb.amazonaws.com" || last.Decision != "Deny" || last.ErrorCode != "AccessDeniedException" ||
		len(last.Resources) != 1 || last.Resources[0] != ki.ARN || last.RequestID == "" {
		t.Fatalf("audit event: %+v", last)
	}
	if evs[0].Name != "DescribeKey" || evs[0].Decision != "Allow" || evs[0].ErrorCode != "" {
		t.Fatalf("first audit event: %+v", evs[0])
	}
	if evs[0].RequestID == evs[2].RequestID {
		t.Fatal("audit events share a request id")
	}

	// A disabled key gives DisabledException through the same path.
	f.must(f.admin, "DisableKey", map[string]any{"KeyId": id})
	_, err = f.svc.DecryptFor(ctx, f.admin, blob, encCtx, via)
	checkErr(t, "DecryptFor disabled", err, "DisabledException", ki.ARN+" is disabled.")
	f.must(f.admin, "ScheduleKeyDeletion", map[string]any{"KeyId": id, "PendingWindowInDays": 7})
	_, _, err = f.svc.GenerateDataKeyFor(ctx, f.admin, ki.ARN, encCtx, via)
	checkErr(t, "GenerateDataKeyFor pending", err, "KMSInvalidStateException", ki.ARN+" is pending deletion.")
}

func TestAWSManagedKey(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	ki, err := f.svc.AWSManagedKey(ctx, "alias/aws/dynamodb", "Default key that protects my DynamoDB data when no other key is defined")
	if err != nil || ki.Manager != ManagerAWS || ki.State != StateEnabled {
		t.Fatalf("AWSManagedKey: %+v %v", ki, err)
	}
	again, err := f.svc.AWSManagedKey(ctx, "alias/aws/dynamodb", "")
	if err != nil || again != ki {
		t.Fatalf("second AWSManagedKey: %+v %v", again, err)
	}
	if _, err := f.svc.AWSManagedKey(ctx, "alias/mine", ""); err == nil {
		t.Fatal("AWSManagedKey accepted a customer alias")
	}
	// Any principal of the account may use it through DynamoDB ...
	encCtx := map[string]string{"aws:dynamodb:tableName": "t"}
	_, blob, err := f.svc.GenerateDataKeyFor(ctx, f.user, ki.ARN, encCtx, via)
	if err != nil {
		t.Fatalf("GenerateDataKeyFor on the AWS managed key: %v", err)
	}
	if _, err := f.svc.DecryptFor(ctx, f.user, blob, encCtx, via); err != nil {
		t.Fatalf("DecryptFor on the AWS managed key: %v", err)
	}
	// ... but nobody directly, and nobody may manage it.
	f.fails(f.admin, "Decrypt", map[string]any{"CiphertextBlob": b64(blob), "EncryptionContext": encCtx}, "AccessDeniedException", "")
	f.fails(f.admin, "DisableKey", map[string]any{"KeyId": ki.KeyID}, "AccessDeniedException", "")
	md := f.must(f.admin, "DescribeKey", map[string]any{"KeyId": "alias/aws/dynamodb"})["KeyMetadata"].(map[string]any)
	if md["KeyManager"] != "AWS" {
		t.Fatalf("DescribeKey managed: %v", md)
	}
	aliases := f.must(f.user, "ListAliases", map[string]any{"KeyId": ki.KeyID})["Aliases"].([]any)
	if len(aliases) != 1 || aliases[0].(map[string]any)["AliasName"] != "alias/aws/dynamodb" {
		t.Fatalf("ListAliases: %v", aliases)
	}
	f.fails(f.admin, "DeleteAlias", map[string]any{"AliasName": "alias/aws/dynamodb"}, "NotAuthorizedException", "")
}

// Principal of a request must be what the handler authorizes; a request
// without one (never happens behind the router) is refused, not a panic.
func TestNoPrincipal(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.createKey("")["KeyId"].(string)
	_, _, err := f.call(nil, "DescribeKey", map[string]any{"KeyId": id})
	checkErr(t, "anonymous DescribeKey", err, "AccessDeniedException", "")
	_, err = f.svc.DescribeKeyFor(context.Background(), nil, id, via)
	checkErr(t, "anonymous DescribeKeyFor", err, "AccessDeniedException", "")
}
