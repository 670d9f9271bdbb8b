// Package partition tells which AWS partition the lab runs in and what
// follows from it. The caller's ARN names its partition (arn:aws-cn:…); the
// ARNs the lab builds and the names services are known by (kms:ViaService)
// follow from it, so the lab runs in China and GovCloud as in the
// commercial regions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
package partition

import "strings"

// Of reads the partition ("aws", "aws-cn", "aws-us-gov") from an
// ARN; "aws" when arn is not one.
func Of(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// OfRegion is the partition of a region, for when no ARN is at
// hand (a ledger written before the caller was known).
func OfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// dnsSuffix is the domain of a partition's service endpoints, which
// kms:ViaService names: dynamodb.cn-north-1.amazonaws.com.cn in China.
func dnsSuffix(partition string) string {
	switch partition {
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	}
	return "amazonaws.com"
}

// ViaService is the endpoint name KMS sees for a service acting for a
// caller in region (kms:ViaService), in partition ("" takes the region's).
func ViaService(via, region, partition string) string {
	if strings.Contains(via, ".") {
		return via
	}
	if partition == "" {
		partition = OfRegion(region)
	}
	return via + "." + region + "." + dnsSuffix(partition)
}
