package ledger

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kmslab/awsops/awserr"
)

// How cleanup and Leftovers tell the run's resources from anyone else's:
// by the run's tag (TagKey), which the lab sets in each create call itself.

func (c *Cleaner) userTagged(ctx context.Context, user, runID string) (bool, error) {
	p := iam.NewListUserTagsPaginator(c.IAM, &iam.ListUserTagsInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if awserr.IsCode(err, "NoSuchEntity") {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if hasIAMTag(out.Tags, runID) {
			return true, nil
		}
	}
	return false, nil
}

func (c *Cleaner) tableTagged(ctx context.Context, table, runID string) (bool, error) {
	d, err := c.DDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if awserr.IsCode(err, "ResourceNotFoundException") {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: d.Table.TableArn}
	for {
		out, err := c.DDB.ListTagsOfResource(ctx, in)
		if awserr.IsCode(err, "ResourceNotFoundException") {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		for _, t := range out.Tags {
			if aws.ToString(t.Key) == TagKey && aws.ToString(t.Value) == runID {
				return true, nil
			}
		}
		if out.NextToken == nil {
			return false, nil
		}
		in.NextToken = out.NextToken
	}
}

// aliasTagged checks the key the alias points at: aliases carry no tags.
func (c *Cleaner) aliasTagged(ctx context.Context, alias, runID string) (bool, error) {
	d, err := c.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	if awserr.IsCode(err, "NotFoundException") {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	tagged, err := keyHasTag(ctx, c.KMS, aws.ToString(d.KeyMetadata.KeyId), runID)
	if awserr.IsCode(err, "NotFoundException") {
		return true, nil
	}
	return tagged, err
}

func keyHasTag(ctx context.Context, c *kms.Client, id, runID string) (bool, error) {
	p := kms.NewListResourceTagsPaginator(c, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, t := range out.Tags {
			if aws.ToString(t.TagKey) == TagKey && aws.ToString(t.TagValue) == runID {
				return true, nil
			}
		}
	}
	return false, nil
}

// findTaggedKeys lists the customer managed keys, not pending deletion,
// tagged with runID ("" for any run), as key id -> run id.
func findTaggedKeys(ctx context.Context, c *kms.Client, runID string) ([]string, error) {
	found, err := taggedKeys(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range found {
		if k.run == runID {
			out = append(out, k.id)
		}
	}
	return out, nil
}

type taggedKey struct{ id, arn, run string }

func taggedKeys(ctx context.Context, c *kms.Client) ([]taggedKey, error) {
	var out []taggedKey
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		for _, k := range page.Keys {
			d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
			if err != nil {
				if awserr.IsCode(err, "NotFoundException", "AccessDeniedException") {
					continue // gone meanwhile, or a key we may not even look at: not ours
				}
				return nil, fmt.Errorf("describe key %s: %w", aws.ToString(k.KeyId), err)
			}
			m := d.KeyMetadata
			if m.KeyManager != kmstypes.KeyManagerTypeCustomer || m.KeyState == kmstypes.KeyStatePendingDeletion {
				continue
			}
			tp := kms.NewListResourceTagsPaginator(c, &kms.ListResourceTagsInput{KeyId: k.KeyId})
			for tp.HasMorePages() {
				tags, err := tp.NextPage(ctx)
				if err != nil {
					if awserr.IsCode(err, "NotFoundException", "AccessDeniedException") {
						break
					}
					return nil, fmt.Errorf("list tags of key %s: %w", aws.ToString(k.KeyId), err)
				}
				for _, t := range tags.Tags {
					if aws.ToString(t.TagKey) == TagKey && ValidRunID(aws.ToString(t.TagValue)) {
						out = append(out, taggedKey{id: aws.ToString(m.KeyId), arn: aws.ToString(m.Arn), run: aws.ToString(t.TagValue)})
					}
				}
			}
		}
	}
	return out, nil
}

func hasIAMTag(tags []iamtypes.Tag, run string) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == TagKey && aws.ToString(t.Value) == run {
			return true
		}
	}
	return false
}
