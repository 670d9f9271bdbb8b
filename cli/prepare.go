package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kmslab/awsops"
)

// whoAmI asks who the lab runs as, turning credential trouble (expired SSO
// token, no credentials, unknown key) into the one sentence that says what to do.
func whoAmI(ctx context.Context, lab *awsops.Lab) (awsops.Identity, error) {
	id, err := lab.WhoAmI(ctx)
	if err != nil {
		if sentence, ok := awsops.CredentialsProblem(err); ok {
			return id, errors.New(sentence)
		}
		return id, err
	}
	return id, nil
}

// preflight checks, before anything is created on a real account, that the
// caller may do everything the lab does, and lists what is missing.
func preflight(ctx context.Context, sess *session, lab *awsops.Lab) error {
	if sess.mode == Offline {
		return nil // the embedded admin has AdministratorAccess by construction
	}
	missing, err := lab.Preflight(ctx)
	if err != nil {
		return fmt.Errorf("checking your permissions before creating anything: %w", err)
	}
	if len(missing) == 0 {
		return nil
	}
	if len(missing) == 1 && missing[0] == "iam:SimulatePrincipalPolicy" {
		return errors.New("kmslab checks your permissions with iam:SimulatePrincipalPolicy before creating anything, and you may not call it: use a role or user that may (an administrator's, for this lab)")
	}
	return fmt.Errorf("your identity lacks %d permission(s) the lab needs, so nothing was created:\n  %s\nUse a role or user with these (an administrator's, for this lab), or add them to your policy",
		len(missing), strings.Join(missing, "\n  "))
}
