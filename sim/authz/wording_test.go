package authz

import (
	"slices"
	"testing"

	"kmslab/policy"
)

func TestWordings(t *testing.T) {
	t.Parallel()
	const who, key = "arn:aws:iam::111122223333:user/u", "arn:aws:kms:us-east-1:111122223333:key/k"
	base := "User: " + who + " is not authorized to perform: "
	for _, tc := range []struct {
		service, action string
		reason          policy.Reason
		want            []string
	}{
		{"kms", "kms:Decrypt", policy.NoIdentityAllow, []string{
			base + "kms:Decrypt on resource: " + key + " because no identity-based policy allows the kms:Decrypt action",
			base + "kms:Decrypt on resource: " + key,
			base + "kms:Decrypt because no identity-based policy allows the kms:Decrypt action",
			ciphertextRefusal,
		}},
		{"kms", "kms:ReEncryptFrom", policy.ExplicitDenyResource, []string{
			base + "kms:ReEncryptFrom on resource: " + key + " with an explicit deny in a resource-based policy",
			base + "kms:ReEncryptFrom on resource: " + key,
			base + "kms:ReEncryptFrom with an explicit deny in a resource-based policy",
			ciphertextRefusal,
		}},
		{"kms", "kms:GenerateDataKey", policy.ExplicitDenyIdentity, []string{
			base + "kms:GenerateDataKey on resource: " + key + " with an explicit deny in an identity-based policy",
			base + "kms:GenerateDataKey on resource: " + key,
			base + "kms:GenerateDataKey with an explicit deny in an identity-based policy",
		}},
		{"dynamodb", "dynamodb:Scan", policy.NoIdentityAllow, []string{
			base + "dynamodb:Scan on resource: " + key + " because no identity-based policy allows the dynamodb:Scan action",
			base + "dynamodb:Scan on resource: " + key,
		}},
		// IAM and STS keep their one wording.
		{"iam", "iam:GetUser", policy.NoIdentityAllow, []string{
			base + "iam:GetUser on resource: " + key + " because no identity-based policy allows the iam:GetUser action",
		}},
	} {
		got := Wordings(tc.service, who, tc.action, key, policy.Outcome{Decision: policy.Deny, Reason: tc.reason})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %v:\n got %q\nwant %q", tc.service, tc.action, tc.reason, got, tc.want)
		}
	}
}
