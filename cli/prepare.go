package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"kmslab/awsops"
	"kmslab/awsops/awserr"
	"kmslab/steps"
)

// whoAmI asks who the lab runs as, turning credential trouble (expired SSO
// token, no credentials, unknown key) and an unreachable AWS into the one
// sentence that says what to do. Nothing exists yet, so none mentions cleanup.
func whoAmI(ctx context.Context, lab *awsops.Lab) (awsops.Identity, error) {
	id, err := lab.WhoAmI(ctx)
	if err != nil {
		return id, beforeAnything("check who you are in AWS", err)
	}
	return id, nil
}

// beforeAnything words a failure of a call made before the lab created
// anything: the one sentence for credentials or the network, else what
// failed and AWS's reason.
func beforeAnything(what string, err error) error {
	if sentence, ok := awsops.RegionProblem(err); ok {
		return errors.New(sentence)
	}
	if sentence, ok := awserr.CredentialsProblem(err); ok {
		return errors.New(sentence)
	}
	if sentence, ok := awserr.ConnectionProblem(err); ok {
		return errors.New(sentence)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted while trying to %s; nothing was created", what)
	}
	reason := err.Error()
	var ae *awserr.Error
	if errors.As(err, &ae) {
		reason = strings.TrimRight(ae.Message, ". ")
		if ae.Code != "" && !strings.Contains(reason, ae.Code) {
			reason = ae.Code + ": " + reason
		}
	}
	return fmt.Errorf("could not %s (%s); nothing was created, so fix that and run kmslab again", what, reason)
}

// preflight checks, before anything is created on a real account, that the
// caller may do everything the course does (its declared actions), and
// lists what is missing; what it cannot decide it writes to warn, one
// sentence each, and goes on.
// preflight checks the caller's permissions before anything is created. It
// returns what it could not settle, for the caller to show where it is read
// (run's output, the TUI's confirmation screen).
func preflight(ctx context.Context, sess *session, lab *awsops.Lab, course steps.Lab) ([]string, error) {
	if sess.mode == Offline {
		return nil, nil // the embedded admin has AdministratorAccess by construction
	}
	res, err := lab.Preflight(ctx, course.Actions())
	if err != nil {
		return nil, beforeAnything("check your permissions", err)
	}
	missing := res.Missing
	if len(missing) == 0 {
		return res.Warnings, nil
	}
	if len(res.ByOrganization) > 0 {
		return nil, fmt.Errorf("your organization's service control policies deny %s, which the lab needs, so nothing was created: ask your organization's administrator for an exception, or run the lab in an account where they are allowed",
			strings.Join(res.ByOrganization, ", "))
	}
	return nil, fmt.Errorf("your identity lacks %d permission(s) the lab needs, so nothing was created:\n  %s\nUse a role or user with these (an administrator's, for this lab), or add them to your policy",
		len(missing), strings.Join(missing, "\n  "))
}
