package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// envConfig is an SDK config from serve's export lines.
func envConfig(env []string) aws.Config {
	v := map[string]string{}
	for _, kv := range env {
		k, val, _ := strings.Cut(kv, "=")
		v[k] = val
	}
	return aws.Config{
		Region:       v["AWS_REGION"],
		Credentials:  credentials.NewStaticCredentialsProvider(v["AWS_ACCESS_KEY_ID"], v["AWS_SECRET_ACCESS_KEY"], ""),
		BaseEndpoint: aws.String(v["AWS_ENDPOINT_URL"]),
	}
}

// TestServeRealistic: --realistic=7 says it runs seed 7 and how to replay
// it, and answers the SDK; --realistic alone picks a seed and prints it.
func TestServeRealistic(t *testing.T) {
	env, printed := startServe(t, "--realistic=7")
	if out := printed(); !strings.Contains(out, "Realistic mode, seed 7:") || !strings.Contains(out, "--realistic=7 replays it") {
		t.Fatalf("serve --realistic=7 does not say its seed:\n%s", out)
	}
	id, err := sts.NewFromConfig(envConfig(env)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(id.Arn), ":user/lab-admin") {
		t.Fatalf("GetCallerIdentity: %v", err)
	}

	_, printed = startServe(t, "--realistic")
	if m := regexp.MustCompile(`Realistic mode, seed (\d+):.*--realistic=(\d+) replays it`).FindStringSubmatch(printed()); m == nil || m[1] != m[2] {
		t.Fatalf("serve --realistic does not print the seed it picked:\n%s", printed())
	}
}

func TestRealismFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		seed int64
		bad  bool
	}{
		{in: "7", seed: 7},
		{in: "-3", seed: -3},
		{in: "seven", bad: true},
		{in: "1.5", bad: true},
	} {
		r, err := realismFlag(tc.in)
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "--realistic="+tc.in+" is not a seed") {
				t.Errorf("realismFlag(%q) = %v, want a refusal", tc.in, err)
			}
			continue
		}
		if err != nil || r.Seed != tc.seed {
			t.Errorf("realismFlag(%q) = %+v, %v; want seed %d", tc.in, r, err, tc.seed)
		}
	}
	r, err := realismFlag(randomSeed)
	if err != nil || r.Seed < 0 {
		t.Errorf("random seed: %+v, %v", r, err)
	}
}
