package awsops

import "strings"

// Partitions. The caller's ARN names its partition (arn:aws-cn:…); the
// ARNs the lab builds and the names services are known by follow from it,
// so the lab runs in China and GovCloud as in the commercial regions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html

// partitionOf reads the partition ("aws", "aws-cn", "aws-us-gov") from an
// ARN; "aws" when arn is not one.
func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// partitionOfRegion is the partition of a region, for when no ARN is at
// hand (a ledger written before the caller was known).
func partitionOfRegion(region string) string {
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

// viaService is the endpoint name KMS sees for a service acting for a
// caller in region (kms:ViaService), in partition ("" takes the region's).
func viaService(via, region, partition string) string {
	if strings.Contains(via, ".") {
		return via
	}
	if partition == "" {
		partition = partitionOfRegion(region)
	}
	return via + "." + region + "." + dnsSuffix(partition)
}

// ViaService is the kms:ViaService value of service acting for the caller
// id, e.g. "dynamodb.us-east-1.amazonaws.com", for the commands the lab
// shows.
func ViaService(service string, id Identity) string {
	return viaService(service, id.Region, partitionOf(id.ARN))
}
