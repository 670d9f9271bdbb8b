package sim

import "testing"

func TestValidRegion(t *testing.T) {
	tests := map[string]bool{
		"us-east-1": true, "eu-west-1": true, "ap-southeast-2": true, "il-central-1": true,
		"me-south-1": true, "ca-west-1": true, "ap-northeast-3": true,
		"":              false,
		"us-east":       false,
		"US-EAST-1":     false,
		"us-east-0":     false,
		"us-east-1a":    false,
		"cn-north-1":    false, // aws-cn partition
		"us-gov-west-1": false, // aws-us-gov partition
		"moon-1":        false,
		"us-east-1/../": false,
	}
	for region, want := range tests {
		if got := validRegion(region); got != want {
			t.Errorf("validRegion(%q) = %v, want %v", region, got, want)
		}
	}
}
