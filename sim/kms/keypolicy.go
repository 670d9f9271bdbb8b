package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kmslab/policy"
	"kmslab/sim/api"
	"kmslab/sim/authz"
)

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

// Messages KMS gives for key policies it refuses.
const (
	msgLockout           = "The new key policy will not allow you to update the key policy in the future."
	msgInvalidPrincipals = "Policy contains a statement with one or more invalid principals."
)

// checkPolicy parses a key policy supplied by caller for the key keyARN and
// applies KMS's checks: the document must be a valid resource policy, name only
// principals that exist and, unless bypass, still let the caller change the
// policy later (the lockout safety check).
func (s *Service) checkPolicy(ctx context.Context, caller *api.Principal, keyARN, text string, bypass bool) (*policy.Document, error) {
	doc, err := policy.ParseResource([]byte(text))
	if err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			return nil, errMalformedPolicy(pe.Message)
		}
		return nil, errMalformedPolicy(err.Error())
	}
	for _, st := range doc.Statement {
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil || p.Wildcard {
				continue
			}
			for _, a := range p.AWS {
				if !s.principalValid(a) {
					return nil, errMalformedPolicy(msgInvalidPrincipals)
				}
			}
		}
	}
	if bypass {
		return doc, nil
	}
	err = s.az.Authorize(ctx, caller, authz.Check{
		Action:         "kms:PutKeyPolicy",
		Resource:       keyARN,
		ResourcePolicy: doc,
		KMS:            true,
		Context:        policy.Context{"kms:CallerAccount": {callerAccount(caller)}},
	})
	var d *authz.Denied
	if errors.As(err, &d) {
		return nil, errMalformedPolicy(msgLockout)
	}
	if err != nil {
		return nil, fmt.Errorf("lockout safety check: %w", err)
	}
	return doc, nil
}

func callerAccount(p *api.Principal) string {
	if p == nil {
		return ""
	}
	return p.AccountID
}

// principalValid accepts "*", account ids and account roots (KMS cannot check
// other accounts' existence offline, and roots always exist), and asks IAM
// about everything else.
func (s *Service) principalValid(a string) bool {
	if a == "*" || isAccount(a) {
		return true
	}
	if strings.HasPrefix(a, "arn:aws:iam::") && strings.HasSuffix(a, ":root") && isAccount(strings.TrimSuffix(strings.TrimPrefix(a, "arn:aws:iam::"), ":root")) {
		return true
	}
	return s.principals != nil && s.principals.PrincipalExists(a)
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
