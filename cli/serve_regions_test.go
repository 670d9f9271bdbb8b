package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/internal/testbin"
)

// TestServeRegionsWithAWSCLI: the AWS CLI in two regions against one serve
// sees separate keys and tables and the same IAM users. The SDK makes them
// (the CLI is slow to start); the CLI only looks, its calls run side by side.
func TestServeRegionsWithAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI")
	}
	t.Parallel()
	// One CLI whatever the breadth: what it shows is the server's regions.
	cli := testbin.FirstAWSCLI(t)
	env := startServeBinary(t, kmslabBinary(t))
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	ctx := context.Background()
	cfg := func(region string) aws.Config {
		return aws.Config{Region: region, BaseEndpoint: aws.String(vars["AWS_ENDPOINT_URL"]),
			Credentials: credentials.NewStaticCredentialsProvider(vars["AWS_ACCESS_KEY_ID"], vars["AWS_SECRET_ACCESS_KEY"], "")}
	}
	regions := []string{"us-west-2", "eu-central-1"}
	keyID := map[string]string{}
	for _, r := range regions {
		key, err := kms.NewFromConfig(cfg(r)).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(r)})
		if err != nil {
			t.Fatal(err)
		}
		keyID[r] = *key.KeyMetadata.KeyId
		if _, err := dynamodb.NewFromConfig(cfg(r)).CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String("tbl-" + r),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: key.KeyMetadata.KeyId},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := iam.NewFromConfig(cfg(regions[0])).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("cli-regions-user")}); err != nil {
		t.Fatal(err)
	}

	type call struct {
		region string
		args   []string
		out    map[string]any
		err    string
	}
	calls := []*call{
		{region: regions[0], args: []string{"kms", "list-keys"}},
		{region: regions[1], args: []string{"kms", "list-keys"}},
		{region: regions[0], args: []string{"dynamodb", "list-tables"}},
		{region: regions[1], args: []string{"dynamodb", "list-tables"}},
		{region: regions[1], args: []string{"iam", "list-users"}}, // made in the other region
	}
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Go(func() {
			cmd := exec.Command(cli.Path, append(c.args, "--output", "json")...)
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AWS_") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, env...)
			cmd.Env = append(cmd.Env, "AWS_REGION="+c.region, "AWS_DEFAULT_REGION="+c.region,
				"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
			out, err := cmd.Output()
			if err != nil {
				c.err = err.Error()
				if ee, ok := err.(*exec.ExitError); ok {
					c.err += ": " + string(ee.Stderr)
				}
				return
			}
			if err := json.Unmarshal(out, &c.out); err != nil {
				c.err = err.Error() + ": " + string(out)
			}
		})
	}
	wg.Wait()
	for _, c := range calls {
		if c.err != "" {
			t.Fatalf("aws %s (%s): %s", strings.Join(c.args, " "), c.region, c.err)
		}
	}
	for i, r := range regions {
		keys := calls[i].out["Keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["KeyId"] != keyID[r] {
			t.Errorf("%s list-keys = %v, want only %s", r, keys, keyID[r])
		}
		tables := calls[2+i].out["TableNames"].([]any)
		if len(tables) != 1 || tables[0] != "tbl-"+r {
			t.Errorf("%s list-tables = %v", r, tables)
		}
	}
	names := []string{}
	for _, u := range calls[4].out["Users"].([]any) {
		names = append(names, u.(map[string]any)["UserName"].(string))
	}
	if !strings.Contains(strings.Join(names, ","), "cli-regions-user") || len(names) != 2 {
		t.Errorf("%s list-users = %v, want lab-admin and cli-regions-user", regions[1], names)
	}
}
