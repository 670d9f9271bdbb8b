package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// TestRealismTableRecovery: with realism, a table whose key was disabled is
// INACCESSIBLE_ENCRYPTION_CREDENTIALS from the read that found it so until a
// while after the key is enabled again; without it, it reads again at once.
func TestRealismTableRecovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const recovery = 4 * time.Minute
	for _, realistic := range []bool{true, false} {
		var r *sim.Realism
		if realistic {
			r = instantIAM(9)
			r.TableRecovery = sim.Delay{Typical: recovery, Max: recovery}
		}
		l := newDeniedLab(t, r)
		admin := sdkConfig(l.srv, l.srv.Admin.AccessKeyID, l.srv.Admin.SecretAccessKey)
		ddb := dynamodb.NewFromConfig(admin)
		scan := func() error {
			_, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(l.table)})
			return err
		}
		status := func() (ddbtypes.TableStatus, bool) {
			out, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(l.table)})
			if err != nil {
				t.Fatalf("DescribeTable: %v", err)
			}
			return out.Table.TableStatus, out.Table.SSEDescription.InaccessibleEncryptionDateTime != nil
		}
		if _, err := l.adminKMS.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(l.keyID)}); err != nil {
			t.Fatalf("DisableKey: %v", err)
		}
		if code, _ := awsErr(t, "Scan with the key disabled", scan()); code != "ValidationException" {
			t.Fatalf("Scan with the key disabled answered %s", code)
		}
		want := ddbtypes.TableStatusActive
		if realistic {
			want = ddbtypes.TableStatusInaccessibleEncryptionCredentials
		}
		if st, dated := status(); st != want || dated != realistic {
			t.Fatalf("realistic=%v: with the key disabled the table is %s (InaccessibleEncryptionDateTime set: %v)", realistic, st, dated)
		}
		if _, err := l.adminKMS.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(l.keyID)}); err != nil {
			t.Fatalf("EnableKey: %v", err)
		}
		if realistic {
			if code, _ := awsErr(t, "Scan right after EnableKey", scan()); code != "ValidationException" {
				t.Fatalf("Scan right after EnableKey answered %s, want the table still inaccessible", code)
			}
			if st, _ := status(); st != want {
				t.Fatalf("right after EnableKey the table is %s", st)
			}
			l.clock.Advance(recovery + time.Second)
		}
		if err := scan(); err != nil {
			t.Fatalf("realistic=%v: Scan once the table recovered: %v", realistic, err)
		}
		if st, dated := status(); st != ddbtypes.TableStatusActive || dated {
			t.Fatalf("realistic=%v: once recovered the table is %s (dated %v)", realistic, st, dated)
		}
	}
}
