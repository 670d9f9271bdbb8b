package awsops

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
)

// errNoKey is returned by steps that need the key before a step created it.
var errNoKey = errors.New("the lab's key does not exist yet")

// CreateKey creates the run's symmetric customer managed key with a
// console-style policy naming the caller as Key Administrator and Key User,
// then points the run's alias at it. Called again, it describes the key
// already made.
func (l *Lab) CreateKey(ctx context.Context) (Key, error) {
	const op = "create KMS key"
	if l.keyARN == "" {
		id, err := l.identity(ctx)
		if err != nil {
			return Key{}, err
		}
		principal, err := l.adminPrincipal(ctx)
		if err != nil {
			return Key{}, err
		}
		entry, err := l.ledger.Plan(ledger.KindKey, "", "")
		if err != nil {
			return Key{}, awserr.Fail(op, "", err)
		}
		out, err := l.kms.CreateKey(ctx, &kms.CreateKeyInput{
			Description: aws.String("kmslab run " + l.names.RunID + ": encrypts DynamoDB table " + l.names.Table),
			KeySpec:     kmstypes.KeySpecSymmetricDefault,
			KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
			Policy:      aws.String(policydoc.ConsolePolicy(l.partition, id.Account, principal)),
			Tags:        []kmstypes.Tag{{TagKey: aws.String(ledger.TagKey), TagValue: aws.String(l.names.RunID)}},
		})
		if err != nil {
			return Key{}, awserr.Fail(op, "", err)
		}
		l.keyID = aws.ToString(out.KeyMetadata.KeyId)
		l.keyARN = aws.ToString(out.KeyMetadata.Arn)
		if err := l.ledger.Created(entry, l.keyID, l.keyARN); err != nil {
			return Key{}, awserr.Fail(op, l.keyID, err)
		}
	}
	if !l.aliasMade {
		const op = "create KMS alias"
		entry, err := l.ledger.Plan(ledger.KindAlias, l.names.Alias, "")
		if err != nil {
			return Key{}, awserr.Fail(op, l.names.Alias, err)
		}
		_, err = l.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(l.names.Alias), TargetKeyId: aws.String(l.keyID)})
		if err != nil && !l.aliasIsOurs(ctx, err) {
			return Key{}, awserr.Fail(op, l.names.Alias, err)
		}
		l.aliasMade = true
		if err := l.ledger.Created(entry, "", ""); err != nil {
			return Key{}, awserr.Fail(op, l.names.Alias, err)
		}
	}
	return l.DescribeKey(ctx)
}

// aliasIsOurs reports whether a failed CreateAlias failed only because an
// earlier attempt of this run already made the alias.
func (l *Lab) aliasIsOurs(ctx context.Context, err error) bool {
	var exists *kmstypes.AlreadyExistsException
	if !errors.As(err, &exists) {
		return false
	}
	out, derr := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.names.Alias)})
	return derr == nil && aws.ToString(out.KeyMetadata.Arn) == l.keyARN
}

// DescribeKey describes the run's key, its policy included.
func (l *Lab) DescribeKey(ctx context.Context) (Key, error) {
	const op = "describe KMS key"
	if l.keyARN == "" {
		return Key{}, &awserr.Error{Op: op, Resource: l.names.Alias, Message: errNoKey.Error(), Hint: "Create the key first", Err: errNoKey}
	}
	out, err := l.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(l.keyARN)})
	if err != nil {
		return Key{}, awserr.Fail(op, l.keyID, err)
	}
	m := out.KeyMetadata
	k := Key{
		ID:          aws.ToString(m.KeyId),
		ARN:         aws.ToString(m.Arn),
		State:       string(m.KeyState),
		Spec:        string(m.KeySpec),
		Usage:       string(m.KeyUsage),
		Manager:     string(m.KeyManager),
		Created:     aws.ToTime(m.CreationDate),
		Description: aws.ToString(m.Description),
	}
	if l.aliasMade {
		k.Alias = l.names.Alias
	}
	k.Policy, err = l.GetKeyPolicy(ctx)
	if err != nil {
		return Key{}, err
	}
	return k, nil
}

// GetKeyPolicy returns the key policy, pretty-printed.
func (l *Lab) GetKeyPolicy(ctx context.Context) (string, error) {
	p, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return "", err
	}
	return policydoc.PrettyJSON(p), nil
}

func (l *Lab) rawKeyPolicy(ctx context.Context) (string, error) {
	const op = "read key policy"
	if l.keyARN == "" {
		return "", &awserr.Error{Op: op, Resource: l.names.Alias, Message: errNoKey.Error(), Hint: "Create the key first", Err: errNoKey}
	}
	out, err := l.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(l.keyARN), PolicyName: aws.String("default")})
	if err != nil {
		return "", awserr.Fail(op, l.keyID, err)
	}
	return aws.ToString(out.Policy), nil
}

// Key describes the lab's KMS key.
type Key struct {
	ID          string    `json:"id"`
	ARN         string    `json:"arn,omitempty"`
	Alias       string    `json:"alias"`
	State       string    `json:"state"`   // Enabled, PendingDeletion, ...
	Spec        string    `json:"spec"`    // SYMMETRIC_DEFAULT
	Usage       string    `json:"usage"`   // ENCRYPT_DECRYPT
	Manager     string    `json:"manager"` // CUSTOMER or AWS
	Created     time.Time `json:"created"`
	Description string    `json:"description,omitempty"`
	Policy      string    `json:"policy,omitempty"` // the key policy, pretty-printed JSON
}
