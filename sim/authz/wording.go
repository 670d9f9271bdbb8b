package authz

import (
	"strings"

	"kmslab/policy"
)

// ciphertextRefusal is how KMS has long refused a Decrypt (or the decrypting
// half of a ReEncrypt) whose key the caller may not use, without naming the
// key: seen from KMS directly (aws/aws-encryption-sdk-javascript#1005,
// Droplr/aws-env#29) and quoted by DynamoDB in "KMS key access denied error:
// com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to
// ..." (aws/aws-cdk#18616, aws-samples/aws-secure-environment-accelerator#919).
const ciphertextRefusal = "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access."

// Wordings is every way AWS has been seen to word service's refusal of
// action on resource to principalARN, decided as out; the first is the one
// the offline AWS gives when it is not asked to vary (Authorizer.SetPick).
// All share the error code: only their text differs, which is why nothing
// may classify a denial by its text.
//
// KMS, where the wording has changed over the years:
//   - with the resource and the reason ("... on resource: <key ARN> because no
//     identity-based policy allows the kms:Decrypt action"): today's, seen in
//     ministryofjustice/modernisation-platform#11726 and
//     cattle-ops/terraform-aws-gitlab-runner#1253; "with an explicit deny in a
//     resource-based policy" in aws/aws-nitro-enclaves-sdk-c#157;
//   - with the resource and no reason ("... on resource: <key ARN>"): the older
//     one, cloudposse/terraform-aws-cloudwatch-flow-logs#5;
//   - with the reason and no resource ("User: ... is not authorized to
//     perform: kms:Decrypt because no identity-based policy allows the
//     kms:Decrypt action"): the shape issue 22 reports, as in ministackorg/ministack#1505;
//   - for kms:Decrypt and kms:ReEncryptFrom, ciphertextRefusal.
//
// DynamoDB's own actions, with and without the reason: "... on resource:
// <table ARN> because no identity-based policy allows the dynamodb:PutItem
// action" (anomalyco/sst#4469, ministryofjustice/modernisation-platform#6789)
// and "... on resource: <table ARN>" (serverless/serverless#4613,
// aws-samples/aws-serverless-workshops#41).
//
// IAM and STS keep the one wording.
func Wordings(service, principalARN, action, resource string, out policy.Outcome) []string {
	full := out.Message(principalARN, action, resource)
	if service != "kms" && service != "dynamodb" || full == "" {
		return []string{full}
	}
	base := "User: " + principalARN + " is not authorized to perform: " + action
	withResource := base + " on resource: " + resource
	if service == "dynamodb" {
		return []string{full, withResource}
	}
	reason := strings.TrimPrefix(full, withResource)
	ws := []string{full, withResource, base + reason}
	if action == "kms:Decrypt" || action == "kms:ReEncryptFrom" {
		ws = append(ws, ciphertextRefusal)
	}
	return ws
}
