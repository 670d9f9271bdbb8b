package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestServeRegionsWithAWSCLI: the AWS CLI in two regions against one serve
// sees separate keys and tables and the same IAM users.
func TestServeRegionsWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI")
	}
	clis := awsCLIs()
	if len(clis) == 0 {
		t.Skip("no AWS CLI on this machine")
	}
	env, _ := startServe(t)
	aws := func(region string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(clis[0], append(args, "--output", "json")...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, env...)
		cmd.Env = append(cmd.Env, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		out, err := cmd.Output()
		if err != nil {
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws %s (%s): %v\n%s", strings.Join(args, " "), region, err, stderr)
		}
		var m map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return m
	}
	regions := []string{"us-west-2", "eu-central-1"}
	keyID := map[string]string{}
	for _, r := range regions {
		md := aws(r, "kms", "create-key", "--description", r)["KeyMetadata"].(map[string]any)
		keyID[r] = md["KeyId"].(string)
		if arn := md["Arn"].(string); !strings.Contains(arn, ":"+r+":") {
			t.Errorf("%s key ARN %s", r, arn)
		}
		aws(r, "dynamodb", "create-table", "--table-name", "tbl-"+r,
			"--attribute-definitions", "AttributeName=pk,AttributeType=S",
			"--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
			"--sse-specification", "Enabled=true,SSEType=KMS,KMSMasterKeyId="+keyID[r])
	}
	aws(regions[0], "iam", "create-user", "--user-name", "cli-regions-user")
	for _, r := range regions {
		keys := aws(r, "kms", "list-keys")["Keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["KeyId"] != keyID[r] {
			t.Errorf("%s list-keys = %v, want only %s", r, keys, keyID[r])
		}
		tables := aws(r, "dynamodb", "list-tables")["TableNames"].([]any)
		if len(tables) != 1 || tables[0] != "tbl-"+r {
			t.Errorf("%s list-tables = %v", r, tables)
		}
	}
	// IAM is global: the user made in one region is listed in the other.
	names := []string{}
	for _, u := range aws(regions[1], "iam", "list-users")["Users"].([]any) {
		names = append(names, u.(map[string]any)["UserName"].(string))
	}
	if !strings.Contains(strings.Join(names, ","), "cli-regions-user") || len(names) != 2 {
		t.Errorf("%s list-users = %v, want lab-admin and cli-regions-user", regions[1], names)
	}
}
