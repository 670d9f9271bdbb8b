package kms

import "strings"

// predefinedAliases are the alias/aws/<service> names KMS reserves in every
// account before any key stands behind them, with the description AWS gives
// the managed key it creates for each. ListAliases shows them without a
// TargetKeyId; DescribeKey on one creates its AWS managed key, as services do.
var predefinedAliases = map[string]string{
	"alias/aws/acm":               "Default key that protects my ACM private keys when no other key is defined",
	"alias/aws/dynamodb":          "Default master key that protects my DynamoDB tables when no other key is defined",
	"alias/aws/ebs":               "Default key that protects my EBS volumes when no other key is defined",
	"alias/aws/elasticfilesystem": "Default key that protects my EFS filesystems when no other key is defined",
	"alias/aws/es":                "Default key that protects my Elasticsearch data when no other key is defined",
	"alias/aws/glue":              "Default key that protects my Glue data when no other key is defined",
	"alias/aws/kinesisvideo":      "Default key that protects my Kinesis Video Streams data when no other key is defined",
	"alias/aws/lambda":            "Default key that protects my Lambda functions when no other key is defined",
	"alias/aws/rds":               "Default key that protects my RDS database volumes when no other key is defined",
	"alias/aws/redshift":          "Default key that protects my Redshift data when no other key is defined",
	"alias/aws/s3":                "Default key that protects my S3 objects when no other key is defined",
	"alias/aws/secretsmanager":    "Default key that protects my Secrets Manager data when no other key is defined",
	"alias/aws/ssm":               "Default key that protects my SSM parameters when no other key is defined",
	"alias/aws/xray":              "Default key that protects my X-Ray data when no other key is defined",
}

// predefined returns the predefined alias ref names (an alias name or an
// alias ARN of this account and region) and its managed key's description.
func (s *Service) predefined(ref string) (name, description string, ok bool) {
	name = strings.TrimPrefix(ref, "arn:aws:kms:"+s.env.Region+":"+s.env.AccountID+":")
	description, ok = predefinedAliases[name]
	return name, description, ok
}
