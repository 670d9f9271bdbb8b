package kms

import "strings"

// defaultPolicy is the policy CreateKey gives a key when none is supplied,
// formatted as KMS returns it from GetKeyPolicy.
func defaultPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// managedPolicy is the key policy of an AWS managed key such as aws/dynamodb:
// every principal of the account may use the key, but only through the
// service, and the account may read its metadata.
func managedPolicy(service, account, region string) string {
	via := service + "." + region + ".amazonaws.com"
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-` + service + `-1",
  "Statement" : [ {
    "Sid" : "Allow access through Amazon ` + serviceTitle(service) + ` for all principals in the account that are authorized to use Amazon ` + serviceTitle(service) + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "` + via + `"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  }, {
    "Sid" : "Allow ` + serviceTitle(service) + ` Service with service principal name ` + service + `.amazonaws.com to describe the key directly",
    "Effect" : "Allow",
    "Principal" : {
      "Service" : "` + service + `.amazonaws.com"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`
}

func serviceTitle(service string) string {
	switch service {
	case "dynamodb":
		return "DynamoDB"
	case "s3":
		return "S3"
	}
	if service == "" {
		return service
	}
	return strings.ToUpper(service[:1]) + service[1:]
}
