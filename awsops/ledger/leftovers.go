package ledger

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"kmslab/awsops/awserr"
	"kmslab/internal/sdkhttp"
)

var kindOrder = map[string]int{KindAccessKey: 0, KindPolicy: 1, KindInlinePolicy: 2, KindUser: 3, KindManagedPolicy: 4,
	KindTable: 5, KindAlias: 6, KindGrant: 7, KindKey: 8}

// Leftovers lists what unfinished runs left in cfg's account and region: the
// resources still recorded in the ledgers under stateDir ("" for the
// default) plus those tagged kmslab:run (and aliases pointing at such keys).
// Ledgers of other accounts or regions are left out.
func Leftovers(ctx context.Context, cfg aws.Config, stateDir string) ([]Leftover, error) {
	cfg = sdkhttp.Guard(cfg)
	const op = "list leftovers"
	cfg = awserr.WithProbe(cfg)
	if stateDir == "" {
		d, err := DefaultStateDir()
		if err != nil {
			return nil, err
		}
		stateDir = d
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, awserr.Fail(op, "", err)
	}
	account := aws.ToString(who.Account)
	ledgers, err := Load(stateDir)
	if err != nil {
		return nil, awserr.Fail(op, stateDir, err)
	}
	var out []Leftover
	for _, l := range ledgers {
		if (l.Account != "" && l.Account != account) || (l.Region != "" && l.Region != cfg.Region) {
			continue
		}
		out = append(out, l.Leftovers()...)
	}
	tagged, err := taggedLeftovers(ctx, cfg)
	if err != nil {
		return nil, awserr.Fail(op, "", err)
	}
	return mergeLeftovers(out, tagged), nil
}

// mergeLeftovers joins the ledger's view and the account's, one row per
// resource, sorted by run and cleanup order.
func mergeLeftovers(ledger, tagged []Leftover) []Leftover {
	type id struct{ run, kind, name, user string }
	idx := map[id]int{}
	out := append([]Leftover(nil), ledger...)
	for i, lo := range out {
		idx[id{lo.RunID, lo.Kind, lo.Name, lo.User}] = i
	}
	for _, t := range tagged {
		k := id{t.RunID, t.Kind, t.Name, t.User}
		if i, ok := idx[k]; ok {
			out[i].Source = "ledger+tags"
			out[i].Detail = ""
			if out[i].ARN == "" {
				out[i].ARN = t.ARN
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].RunID != out[j].RunID {
			return out[i].RunID < out[j].RunID
		}
		return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
	})
	return out
}

// taggedLeftovers finds the lab's resources in the account by name prefix
// and tag. A name is only reported when its tag names the same run.
func taggedLeftovers(ctx context.Context, cfg aws.Config) ([]Leftover, error) {
	var out []Leftover
	iamc := iam.NewFromConfig(cfg)
	up := iam.NewListUsersPaginator(iamc, &iam.ListUsersInput{})
	for up.HasMorePages() {
		page, err := up.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		for _, u := range page.Users {
			name := aws.ToString(u.UserName)
			run, ok := strings.CutPrefix(name, "kmslab-user-")
			if !ok || !ValidRunID(run) {
				continue
			}
			tags, err := iamc.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: u.UserName})
			if err != nil {
				if awserr.IsCode(err, "NoSuchEntity") {
					continue
				}
				return nil, fmt.Errorf("list tags of user %s: %w", name, err)
			}
			if !hasIAMTag(tags.Tags, run) {
				continue
			}
			out = append(out, Leftover{RunID: run, Kind: KindUser, Name: name, ARN: aws.ToString(u.Arn), Source: "tags"})
			keys, err := iamc.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: u.UserName})
			if err == nil {
				for _, k := range keys.AccessKeyMetadata {
					out = append(out, Leftover{RunID: run, Kind: KindAccessKey, Name: aws.ToString(k.AccessKeyId), User: name, Source: "tags"})
				}
			}
			pols, err := iamc.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: u.UserName})
			if err == nil {
				for _, p := range pols.AttachedPolicies {
					out = append(out, Leftover{RunID: run, Kind: KindPolicy, Name: aws.ToString(p.PolicyArn), User: name, ARN: aws.ToString(p.PolicyArn), Source: "tags"})
				}
			}
		}
	}

	ddb := dynamodb.NewFromConfig(cfg)
	tp := dynamodb.NewListTablesPaginator(ddb, &dynamodb.ListTablesInput{})
	for tp.HasMorePages() {
		page, err := tp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		for _, name := range page.TableNames {
			run, ok := strings.CutPrefix(name, "kmslab-")
			if !ok || !ValidRunID(run) {
				continue
			}
			d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
			if err != nil {
				if awserr.IsCode(err, "ResourceNotFoundException") {
					continue
				}
				return nil, fmt.Errorf("describe table %s: %w", name, err)
			}
			arn := aws.ToString(d.Table.TableArn)
			tags, err := ddb.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				return nil, fmt.Errorf("list tags of table %s: %w", name, err)
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == TagKey && aws.ToString(t.Value) == run {
					out = append(out, Leftover{RunID: run, Kind: KindTable, Name: name, ARN: arn, Source: "tags", Detail: string(d.Table.TableStatus)})
				}
			}
		}
	}

	kc := kms.NewFromConfig(cfg)
	keys, err := taggedKeys(ctx, kc)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		out = append(out, Leftover{RunID: k.run, Kind: KindKey, Name: k.id, ARN: k.arn, Source: "tags"})
	}
	ap := kms.NewListAliasesPaginator(kc, &kms.ListAliasesInput{})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list aliases: %w", err)
		}
		for _, a := range page.Aliases {
			name := aws.ToString(a.AliasName)
			run, ok := strings.CutPrefix(name, "alias/kmslab-")
			if !ok || !ValidRunID(run) || a.TargetKeyId == nil {
				continue
			}
			// Aliases carry no tags: the key they point at must.
			tagged, err := keyHasTag(ctx, kc, aws.ToString(a.TargetKeyId), run)
			if err != nil && !awserr.IsCode(err, "NotFoundException", "AccessDeniedException") {
				return nil, fmt.Errorf("list tags of key %s: %w", aws.ToString(a.TargetKeyId), err)
			}
			if tagged {
				out = append(out, Leftover{RunID: run, Kind: KindAlias, Name: name, ARN: aws.ToString(a.AliasArn), Source: "tags"})
			}
		}
	}
	return out, nil
}

// Kinds of resources, in the order cleanup removes them.
const (
	KindAccessKey     = "iam access key"
	KindPolicy        = "iam policy attachment"
	KindInlinePolicy  = "iam inline policy"
	KindUser          = "iam user"
	KindManagedPolicy = "iam customer managed policy"
	KindTable         = "dynamodb table"
	KindAlias         = "kms alias"
	KindGrant         = "kms grant"
	KindKey           = "kms key"
)

// Leftover is a resource a run may have left behind.
type Leftover struct {
	RunID  string
	Kind   string
	Name   string // user, table or alias name; key id; access key id; policy ARN
	User   string // the owning user, for access keys and policy attachments
	ARN    string
	Source string // "ledger", "tags", or "ledger+tags"
	Detail string // e.g. "recorded, creation unconfirmed"
}
