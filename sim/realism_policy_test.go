package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kmslab/sim"
)

// TestRealismKeyPolicy: with realism, a new key policy shows in GetKeyPolicy
// at once but decides requests only after its delay; without, at once.
func TestRealismKeyPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const lag = 90 * time.Second
	for _, realistic := range []bool{true, false} {
		var r *sim.Realism
		if realistic {
			r = instantIAM(13)
			r.KeyPolicy = sim.Delay{Typical: lag, Max: lag}
		}
		l := newDeniedLab(t, r)
		doc := consolePolicy(l.srv.AccountID, l.srv.AdminARN, l.srv.AdminARN, l.userARN)
		if _, err := l.adminKMS.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(l.keyID), Policy: aws.String(doc)}); err != nil {
			t.Fatalf("PutKeyPolicy: %v", err)
		}
		got, err := l.adminKMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(l.keyID)})
		if err != nil || aws.ToString(got.Policy) != doc {
			t.Fatalf("GetKeyPolicy right after PutKeyPolicy: %v, shows the new policy: %v", err, got != nil && aws.ToString(got.Policy) == doc)
		}
		_, err = l.userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.ciphertext})
		if realistic {
			if code, _ := awsErr(t, "Decrypt right after PutKeyPolicy", err); code != "AccessDeniedException" {
				t.Fatalf("Decrypt right after PutKeyPolicy answered %s", code)
			}
			l.clock.Advance(lag + time.Second)
			_, err = l.userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.ciphertext})
		}
		if err != nil {
			t.Fatalf("realistic=%v: Decrypt once the key policy applies: %v", realistic, err)
		}
	}
}
