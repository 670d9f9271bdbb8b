package awsops

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

// errNoUser is returned by steps that need the test user before a step created it.
var errNoUser = errors.New("the test user does not exist yet")

// dynamoFullAccess is the managed policy the lab gives the test user: all
// of DynamoDB, and of KMS only DescribeKey and ListAliases.
const dynamoFullAccess = "AmazonDynamoDBFullAccess"

// credentialCodesRetry are the answers a brand-new access key gets until
// IAM has propagated it.
var credentialCodesRetry = map[string]bool{
	"InvalidClientTokenId": true, "UnrecognizedClientException": true,
	"SignatureDoesNotMatch": true, "InvalidSignatureException": true,
	"AccessDenied": true, "AccessDeniedException": true,
}

// CreateTestUser creates the restricted user (AmazonDynamoDBFullAccess, no
// KMS permission) with an access key, and waits until that key works.
// Called again, it reuses what this run already made.
func (l *Lab) CreateTestUser(ctx context.Context) (TestUser, error) {
	const op = "create test user"
	name := l.names.User
	if _, err := l.identity(ctx); err != nil {
		return TestUser{}, err
	}
	if l.user == nil {
		entry, err := l.ledger.Plan(ledger.KindUser, name, "")
		if err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		var arn string
		out, err := l.iam.CreateUser(ctx, &iam.CreateUserInput{
			UserName: aws.String(name),
			Tags:     []iamtypes.Tag{{Key: aws.String(ledger.TagKey), Value: aws.String(l.names.RunID)}},
		})
		switch {
		case err == nil:
			arn = aws.ToString(out.User.Arn)
		default:
			arn = l.userIsOurs(ctx, err)
			if arn == "" {
				if rerr := l.refusedDespitePolicies(op, name, err); rerr != nil {
					return TestUser{}, rerr
				}
				return TestUser{}, awserr.Fail(op, name, err)
			}
		}
		if err := l.ledger.Created(entry, "", arn); err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		l.user = &TestUser{Name: name, ARN: arn}
	}
	if len(l.user.Policies) == 0 {
		const op = "attach policy to test user"
		policyARN := l.managedPolicyARN(dynamoFullAccess)
		entry, err := l.ledger.Plan(ledger.KindPolicy, policyARN, name)
		if err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		// IAM may not show a user created a moment ago to its other calls
		// yet: they answer NoSuchEntity until it has propagated.
		err = l.retryTransient(ctx, "CreateTestUser", "IAM to show the new user", isNoSuchEntity, func(ctx context.Context) error {
			_, err := l.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: aws.String(policyARN)})
			return err
		})
		if rerr := l.refusedDespitePolicies(op, name, err); rerr != nil {
			return TestUser{}, rerr
		}
		if err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		if err := l.ledger.Created(entry, "", policyARN); err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		l.user.Policies = []string{policyARN}
	}
	if l.test == nil {
		const op = "create access key for test user"
		// The key's id is unknown until it exists; cleanup lists the user's keys.
		entry, err := l.ledger.Plan(ledger.KindAccessKey, "", name)
		if err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		var out *iam.CreateAccessKeyOutput
		err = l.retryTransient(ctx, "CreateTestUser", "IAM to show the new user", isNoSuchEntity, func(ctx context.Context) error {
			var err error
			out, err = l.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
			return err
		})
		if rerr := l.refusedDespitePolicies(op, name, err); rerr != nil {
			return TestUser{}, rerr
		}
		if err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		creds := &staticCreds{id: aws.ToString(out.AccessKey.AccessKeyId), secret: aws.ToString(out.AccessKey.SecretAccessKey)}
		if err := l.ledger.Created(entry, creds.id, ""); err != nil {
			return TestUser{}, awserr.Fail(op, name, err)
		}
		cfg := l.cfg.Copy()
		cfg.Credentials = creds
		l.test = &testClients{creds: creds, ddb: dynamodb.NewFromConfig(cfg), kms: kms.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}
		l.user.AccessKeyID = creds.id
	}
	if err := l.waitForTestUser(ctx); err != nil {
		return TestUser{}, err
	}
	return l.snapshotUser(), nil
}

func (l *Lab) snapshotUser() TestUser {
	u := *l.user
	u.Policies = append([]string(nil), l.user.Policies...)
	return u
}

// waitForTestUser waits until IAM honours the new access key everywhere the
// lab will use it: STS first, then DynamoDB with the attached policy.
func (l *Lab) waitForTestUser(ctx context.Context) error {
	err := l.wait(ctx, "CreateTestUser", "IAM to accept the new access key", func(ctx context.Context) (bool, error) {
		_, err := l.test.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err == nil {
			return true, nil
		}
		return false, retryableCredentials(err)
	})
	if err != nil {
		return awserr.Fail("wait for the test user's access key", l.names.User, err)
	}
	if l.table == nil {
		return nil
	}
	// DescribeTable needs dynamodb:DescribeTable from the attached policy and
	// no KMS permission: when it works, the user is ready to be refused by the key.
	err = l.wait(ctx, "CreateTestUser", "IAM to apply the test user's DynamoDB permissions", func(ctx context.Context) (bool, error) {
		_, err := l.describeTable(ctx, l.test.ddb)
		if err == nil {
			return true, nil
		}
		return false, retryableCredentials(err)
	})
	if err != nil {
		return awserr.Fail("wait for the test user's permissions", l.names.User, err)
	}
	return nil
}

// isNoSuchEntity is IAM's answer about a name it does not show yet.
func isNoSuchEntity(err error) bool { return awserr.IsCode(err, "NoSuchEntity") }

// retryableCredentials returns nil for the errors a new key or policy
// gives while propagating, and err otherwise.
func retryableCredentials(err error) error {
	if credentialCodesRetry[awserr.Code(err)] {
		return nil
	}
	return err
}

// userIsOurs returns the user's ARN when CreateUser failed only because this
// run already created the user (it carries the run's tag), and "" otherwise.
func (l *Lab) userIsOurs(ctx context.Context, err error) string {
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		return ""
	}
	out, gerr := l.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(l.names.User)})
	if gerr != nil {
		return ""
	}
	for _, t := range out.User.Tags {
		if aws.ToString(t.Key) == ledger.TagKey && aws.ToString(t.Value) == l.names.RunID {
			return aws.ToString(out.User.Arn)
		}
	}
	return ""
}

// ScanAsTestUser reads the table with the test user's key. An access denial
// is a result, not an error: it comes back as Access.Denied.
func (l *Lab) ScanAsTestUser(ctx context.Context) (Access, error) {
	const op = "scan table as the test user"
	if l.test == nil {
		return Access{}, &awserr.Error{Op: op, Resource: l.names.Table, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	items, err := scan(ctx, l.test.ddb, l.names.Table)
	if err != nil {
		if d := asDenied(err, l.tableNeed(AsTestUser)); d != nil {
			return Access{Denied: d}, nil
		}
		return Access{}, awserr.Fail(op, l.names.Table, err)
	}
	l.usedTable(cacheUser)
	return Access{Items: items}, nil
}

// tableNeed is what a read of the table as who needs, as the lab knows it:
// the lab gave the test user AmazonDynamoDBFullAccess and the admin runs it,
// so DynamoDB's own action is theirs, and a refusal is about the table key,
// which DynamoDB decrypts with KMS as the caller (kms:Decrypt on the lab's
// key). Before the lab attached that policy, it is about DynamoDB's Scan.
func (l *Lab) tableNeed(who Principal) need {
	n := need{action: "kms:Decrypt", resource: l.keyARN}
	switch {
	case who == AsAdmin:
		if l.ident != nil {
			n.principal = l.ident.ARN
		}
	case l.user != nil:
		n.principal = l.user.ARN
		if !slices.Contains(l.user.Policies, l.managedPolicyARN(dynamoFullAccess)) {
			n.action, n.resource = "dynamodb:Scan", l.tableARN()
		}
	}
	return n
}

// tableARN is the lab table's ARN, from DynamoDB when it answered with one.
func (l *Lab) tableARN() string {
	if l.table != nil && l.table.ARN != "" {
		return l.table.ARN
	}
	account := ""
	if l.ident != nil {
		account = l.ident.Account
	}
	return "arn:" + l.partition + ":dynamodb:" + l.cfg.Region + ":" + account + ":table/" + l.names.Table
}

// managedPolicyARN is an AWS managed policy's ARN in the caller's partition.
func (l *Lab) managedPolicyARN(name string) string {
	return "arn:" + l.partition + ":iam::aws:policy/" + name
}

// WaitForAccess retries ScanAsTestUser with backoff until the test user may
// read the table or the wait times out: a principal added to a key policy
// takes a moment to be honoured. On time-out it returns the last denial with
// the error.
func (l *Lab) WaitForAccess(ctx context.Context) (Access, error) {
	var last Access
	err := l.waitFor(ctx, "WaitForAccess", "the key policy change to take effect", l.opts.KMSTimeout, func(ctx context.Context) (bool, error) {
		a, err := l.ScanAsTestUser(ctx)
		if err != nil {
			return false, err
		}
		last = a
		return a.Allowed(), nil
	})
	if err != nil {
		var e *awserr.Error
		if errors.As(err, &e) {
			return last, err
		}
		return last, awserr.Fail("wait for the test user's access", l.names.Table, err)
	}
	return last, nil
}

// GrantKeyUse adds the test user to the key policy's "Allow use of the key"
// statement (creating it if absent), keeping every other statement.
// Calling it again changes nothing and returns Changed false.
func (l *Lab) GrantKeyUse(ctx context.Context) (policydoc.Change, error) {
	const op = "grant the test user use of the key"
	if l.user == nil {
		return policydoc.Change{}, &awserr.Error{Op: op, Resource: l.names.User, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	raw, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return policydoc.Change{}, err
	}
	after, added, err := policydoc.AddKeyUser(raw, l.user.ARN)
	if err != nil {
		return policydoc.Change{}, awserr.Fail(op, l.keyID, err)
	}
	before := policydoc.PrettyJSON(raw)
	if !added {
		return policydoc.Change{Before: before, After: before}, nil
	}
	// KMS may not yet know a user created seconds ago and then calls the
	// policy malformed; that settles like any other propagation delay.
	err = l.retryTransient(ctx, "GrantKeyUse", "KMS to recognise the new user", func(err error) bool {
		return awserr.IsCode(err, "MalformedPolicyDocumentException")
	}, func(ctx context.Context) error {
		_, err := l.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(l.keyARN), PolicyName: aws.String("default"), Policy: aws.String(after)})
		return err
	})
	if err != nil {
		return policydoc.Change{}, awserr.Fail(op, l.keyID, err)
	}
	return policydoc.Change{Before: before, After: after, Diff: policydoc.DiffPolicies(before, after), Added: []string{l.user.ARN}, Changed: true}, nil
}

// TestUser is the lab's restricted IAM user. Its secret access key is
// kept inside the Lab only and never appears here.
type TestUser struct {
	Name        string   `json:"name"`
	ARN         string   `json:"arn,omitempty"`
	AccessKeyID string   `json:"accessKeyId"`
	Policies    []string `json:"policies"` // ARNs of the attached managed policies
}

// Access is the result of reading the table as the test user: either the
// items, or the denial that stopped the read.
type Access struct {
	Items  []Item  `json:"items"`
	Denied *Denied `json:"denied,omitempty"`
}

// Allowed reports whether the read succeeded.
func (a Access) Allowed() bool { return a.Denied == nil }
