package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/sim"
)

// TestRealismGrants: with realism, a new grant allows a request without its
// token only once it has propagated, but at once with it; a revoked grant
// allows, and is listed, for a while; a deleted alias is listed for a while.
// Without realism every change counts at once.
func TestRealismGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const grantLag, listLag = 5 * time.Minute, 30 * time.Second
	for _, realistic := range []bool{true, false} {
		var r *sim.Realism
		if realistic {
			r = instantIAM(11)
			r.Grant = sim.Delay{Typical: grantLag, Max: grantLag}
			r.ListLag = sim.Delay{Typical: listLag, Max: listLag}
		}
		l := newDeniedLab(t, r)
		decrypt := func(tokens ...string) error {
			_, err := l.userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: l.ciphertext, GrantTokens: tokens})
			return err
		}
		listed := func() int {
			out, err := l.adminKMS.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(l.keyID), GranteePrincipal: aws.String(l.userARN)})
			if err != nil {
				t.Fatalf("ListGrants: %v", err)
			}
			return len(out.Grants)
		}
		g, err := l.adminKMS.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: aws.String(l.keyID), GranteePrincipal: aws.String(l.userARN), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
		if err != nil {
			t.Fatalf("CreateGrant: %v", err)
		}
		if err := decrypt(*g.GrantToken); err != nil {
			t.Fatalf("realistic=%v: Decrypt with the new grant's token: %v", realistic, err)
		}
		err = decrypt()
		if realistic {
			if code, _ := awsErr(t, "Decrypt right after CreateGrant", err); code != "AccessDeniedException" {
				t.Fatalf("Decrypt right after CreateGrant without its token answered %s", code)
			}
			l.clock.Advance(grantLag + time.Second)
			err = decrypt()
		}
		if err != nil {
			t.Fatalf("realistic=%v: Decrypt once the grant has propagated: %v", realistic, err)
		}

		if _, err := l.adminKMS.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: aws.String(l.keyID), GrantId: g.GrantId}); err != nil {
			t.Fatalf("RevokeGrant: %v", err)
		}
		if realistic {
			if err := decrypt(); err != nil {
				t.Fatalf("Decrypt right after RevokeGrant: %v; the revocation should take a while", err)
			}
			if n := listed(); n != 1 {
				t.Fatalf("ListGrants right after RevokeGrant lists %d grants, want the revoked one still", n)
			}
			l.clock.Advance(grantLag + time.Second)
		}
		if code, _ := awsErr(t, "Decrypt after RevokeGrant", decrypt()); code != "AccessDeniedException" {
			t.Fatalf("realistic=%v: Decrypt once the revocation has propagated answered %s", realistic, code)
		}
		if n := listed(); n != 0 {
			t.Fatalf("realistic=%v: ListGrants lists %d grants after the revocation propagated", realistic, n)
		}

		aliases := func() int {
			out, err := l.adminKMS.ListAliases(ctx, &kms.ListAliasesInput{KeyId: aws.String(l.keyID)})
			if err != nil {
				t.Fatalf("ListAliases: %v", err)
			}
			return len(out.Aliases)
		}
		if _, err := l.adminKMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(l.alias)}); err != nil {
			t.Fatalf("DeleteAlias: %v", err)
		}
		if realistic {
			if n := aliases(); n != 1 {
				t.Fatalf("ListAliases right after DeleteAlias lists %d, want the deleted one still", n)
			}
			l.clock.Advance(listLag + time.Second)
		}
		if n := aliases(); n != 0 {
			t.Fatalf("realistic=%v: ListAliases lists %d aliases after the delete propagated", realistic, n)
		}
	}
}
