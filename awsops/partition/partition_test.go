package partition

import "testing"

// TestViaService: kms:ViaService names the service's endpoint in the
// partition's own domain, which follows from the caller's ARN or, without
// one, from the region.
func TestViaService(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		via, region, partition, want string
	}{
		{"dynamodb", "us-east-1", "aws", "dynamodb.us-east-1.amazonaws.com"},
		{"dynamodb", "cn-north-1", "", "dynamodb.cn-north-1.amazonaws.com.cn"},
		{"dynamodb", "us-gov-west-1", "", "dynamodb.us-gov-west-1.amazonaws.com"},
		{"dynamodb", "us-iso-east-1", "", "dynamodb.us-iso-east-1.c2s.ic.gov"},
		{"dynamodb", "us-isob-east-1", "", "dynamodb.us-isob-east-1.sc2s.sgov.gov"},
		{"dynamodb", "eu-west-1", "aws-cn", "dynamodb.eu-west-1.amazonaws.com.cn"}, // the ARN's partition wins
		{"s3.eu-west-1.amazonaws.com", "us-east-1", "aws", "s3.eu-west-1.amazonaws.com"},
	} {
		if got := ViaService(tc.via, tc.region, tc.partition); got != tc.want {
			t.Errorf("ViaService(%q, %q, %q) = %q, want %q", tc.via, tc.region, tc.partition, got, tc.want)
		}
	}
	for arn, want := range map[string]string{
		"arn:aws-us-gov:iam::111122223333:user/carol": "aws-us-gov",
		"not an arn":         "aws",
		"arn::iam::1:user/x": "aws",
	} {
		if got := Of(arn); got != want {
			t.Errorf("Of(%q) = %q, want %q", arn, got, want)
		}
	}
}
