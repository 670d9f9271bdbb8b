package awsops

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kmslab/awsops/awserr"
	"kmslab/awsops/ledger"
)

// CreateEncryptedTable creates the run's table encrypted with the run's key
// and waits until it is ACTIVE. DynamoDB checks the key and takes a grant on
// it while creating, so the admin must be allowed to use the key.
func (l *Lab) CreateEncryptedTable(ctx context.Context) (Table, error) {
	if l.keyARN == "" {
		return Table{}, &awserr.Error{Op: "create table", Resource: l.names.Table, Message: errNoKey.Error(), Hint: "Create the key first", Err: errNoKey}
	}
	return l.createTable(ctx, &ddbtypes.SSESpecification{
		Enabled:        aws.Bool(true),
		SSEType:        ddbtypes.SSETypeKms,
		KMSMasterKeyId: aws.String(l.keyARN),
	})
}

// CreatePlainTable creates the run's table with DynamoDB's default
// encryption at rest (an AWS owned key, not the run's key) and waits until
// it is ACTIVE: where the envelope lab stores envelopes, so that reading
// one needs DynamoDB permissions only and the run's key guards the secret
// alone.
func (l *Lab) CreatePlainTable(ctx context.Context) (Table, error) {
	return l.createTable(ctx, nil)
}

// createTable creates the run's table with sse (nil: DynamoDB's default)
// and waits until it is ACTIVE; called again, it reuses what this run made.
func (l *Lab) createTable(ctx context.Context, sse *ddbtypes.SSESpecification) (Table, error) {
	const op = "create table"
	name := l.names.Table
	if l.table == nil {
		entry, err := l.ledger.Plan(ledger.KindTable, name, "")
		if err != nil {
			return Table{}, awserr.Fail(op, name, err)
		}
		out, err := l.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     sse,
			Tags:                 []ddbtypes.Tag{{Key: aws.String(ledger.TagKey), Value: aws.String(l.names.RunID)}},
		})
		var arn string
		switch {
		case err == nil:
			arn = aws.ToString(out.TableDescription.TableArn)
		case l.tableIsOurs(ctx, err):
			// An earlier attempt of this run created it; carry on waiting.
		default:
			return Table{}, awserr.Fail(op, name, err)
		}
		if err := l.ledger.Created(entry, "", arn); err != nil {
			return Table{}, awserr.Fail(op, name, err)
		}
		l.table = &Table{Name: name, ARN: arn}
	}
	var t Table
	err := l.wait(ctx, "CreateEncryptedTable", "table "+name+" to become ACTIVE", func(ctx context.Context) (bool, error) {
		var err error
		t, err = l.describeTable(ctx, l.ddb)
		return t.Status == string(ddbtypes.TableStatusActive), err
	})
	if err != nil {
		return Table{}, awserr.Fail("wait for table", name, err)
	}
	l.table = &t
	return t, nil
}

// tableIsOurs reports whether CreateTable failed only because this run's
// table already exists (tagged with this run).
func (l *Lab) tableIsOurs(ctx context.Context, err error) bool {
	var inUse *ddbtypes.ResourceInUseException
	if !errors.As(err, &inUse) {
		return false
	}
	t, derr := l.describeTable(ctx, l.ddb)
	if derr != nil || t.ARN == "" {
		return false
	}
	out, terr := l.ddb.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(t.ARN)})
	if terr != nil {
		return false
	}
	for _, tag := range out.Tags {
		if aws.ToString(tag.Key) == ledger.TagKey && aws.ToString(tag.Value) == l.names.RunID {
			return true
		}
	}
	return false
}

// DescribeTableEncryption describes the table and its encryption at rest.
func (l *Lab) DescribeTableEncryption(ctx context.Context) (Table, error) {
	t, err := l.describeTable(ctx, l.ddb)
	if err != nil {
		return Table{}, awserr.Fail("describe table", l.names.Table, err)
	}
	return t, nil
}

func (l *Lab) describeTable(ctx context.Context, c *dynamodb.Client) (Table, error) {
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(l.names.Table)})
	if err != nil {
		return Table{}, err
	}
	d := out.Table
	t := Table{
		Name:   aws.ToString(d.TableName),
		ARN:    aws.ToString(d.TableArn),
		Status: string(d.TableStatus),
	}
	types := map[string]string{}
	for _, a := range d.AttributeDefinitions {
		types[aws.ToString(a.AttributeName)] = string(a.AttributeType)
	}
	var ks []string
	for _, k := range d.KeySchema {
		n := aws.ToString(k.AttributeName)
		ks = append(ks, fmt.Sprintf("%s (%s, %s)", n, types[n], k.KeyType))
	}
	t.KeySchema = strings.Join(ks, ", ")
	if s := d.SSEDescription; s != nil {
		t.SSE = SSE{Status: string(s.Status), Type: string(s.SSEType), KMSKeyARN: aws.ToString(s.KMSMasterKeyArn)}
	}
	return t, nil
}

// DescribeTableAsTestUser describes the table with the test user's key; it
// works because describing a table needs no KMS permission.
func (l *Lab) DescribeTableAsTestUser(ctx context.Context) (Table, error) {
	const op = "describe table as the test user"
	if l.test == nil {
		return Table{}, &awserr.Error{Op: op, Resource: l.names.Table, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	t, err := l.describeTable(ctx, l.test.ddb)
	if err != nil {
		return Table{}, awserr.Fail(op, l.names.Table, err)
	}
	return t, nil
}

// sampleItem is what the lab stores: something worth protecting.
func sampleItem() Item {
	return Item{
		{Name: "id", Type: "S", Value: "1"},
		{Name: "name", Type: "S", Value: "Ada Lovelace"},
		{Name: "secret", Type: "S", Value: "The vault opens with 4-8-15-16"},
		{Name: "balance", Type: "N", Value: "1815"},
	}
}

var sampleOrder = map[string]int{"id": 0, "name": 1, "secret": 2, "balance": 3}

// PutItem writes the sample item as the admin; DynamoDB encrypts it with the
// table key before it reaches disk.
func (l *Lab) PutItem(ctx context.Context) (Item, error) {
	it := sampleItem()
	av := map[string]ddbtypes.AttributeValue{}
	for _, a := range it {
		if a.Type == "N" {
			av[a.Name] = &ddbtypes.AttributeValueMemberN{Value: a.Value}
		} else {
			av[a.Name] = &ddbtypes.AttributeValueMemberS{Value: a.Value}
		}
	}
	if _, err := l.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.names.Table), Item: av}); err != nil {
		return nil, awserr.Fail("put item", l.names.Table, err)
	}
	l.usedTable(cacheAdmin)
	return it, nil
}

// ScanAsAdmin reads the table as the admin, who may use the key.
func (l *Lab) ScanAsAdmin(ctx context.Context) ([]Item, error) {
	items, err := scan(ctx, l.ddb, l.names.Table)
	if err != nil {
		return nil, awserr.Fail("scan table", l.names.Table, err)
	}
	l.usedTable(cacheAdmin)
	return items, nil
}

func scan(ctx context.Context, c *dynamodb.Client, table string) ([]Item, error) {
	items := []Item{}
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range out.Items {
			items = append(items, toItem(m))
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Get("id") < items[j].Get("id") })
	return items, nil
}

// toItem orders an item's attributes: the sample's order, then by name.
func toItem(m map[string]ddbtypes.AttributeValue) Item {
	it := make(Item, 0, len(m))
	for name, v := range m {
		typ, val := renderValue(v)
		it = append(it, Attr{Name: name, Type: typ, Value: val})
	}
	sort.Slice(it, func(i, j int) bool {
		oi, iok := sampleOrder[it[i].Name]
		oj, jok := sampleOrder[it[j].Name]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return it[i].Name < it[j].Name
	})
	return it
}

// renderValue shows an attribute value as its type and one line of text.
func renderValue(v ddbtypes.AttributeValue) (typ, val string) {
	switch v := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return "S", v.Value
	case *ddbtypes.AttributeValueMemberN:
		return "N", v.Value
	case *ddbtypes.AttributeValueMemberB:
		return "B", base64.StdEncoding.EncodeToString(v.Value)
	case *ddbtypes.AttributeValueMemberBOOL:
		return "BOOL", fmt.Sprint(v.Value)
	case *ddbtypes.AttributeValueMemberNULL:
		return "NULL", "null"
	case *ddbtypes.AttributeValueMemberSS:
		return "SS", "[" + strings.Join(v.Value, ", ") + "]"
	case *ddbtypes.AttributeValueMemberNS:
		return "NS", "[" + strings.Join(v.Value, ", ") + "]"
	case *ddbtypes.AttributeValueMemberBS:
		parts := make([]string, len(v.Value))
		for i, b := range v.Value {
			parts[i] = base64.StdEncoding.EncodeToString(b)
		}
		return "BS", "[" + strings.Join(parts, ", ") + "]"
	case *ddbtypes.AttributeValueMemberL:
		parts := make([]string, len(v.Value))
		for i, e := range v.Value {
			_, parts[i] = renderValue(e)
		}
		return "L", "[" + strings.Join(parts, ", ") + "]"
	case *ddbtypes.AttributeValueMemberM:
		keys := make([]string, 0, len(v.Value))
		for k := range v.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			_, s := renderValue(v.Value[k])
			parts[i] = k + ": " + s
		}
		return "M", "{" + strings.Join(parts, ", ") + "}"
	}
	return "?", ""
}

// Table describes the lab's DynamoDB table and how it is encrypted at rest.
type Table struct {
	Name      string `json:"name"`
	ARN       string `json:"arn,omitempty"`
	Status    string `json:"status"`              // CREATING, ACTIVE, ...
	KeySchema string `json:"keySchema,omitempty"` // e.g. "id (S, HASH)"
	SSE       SSE    `json:"sse"`
}

// SSE is a table's server-side encryption. Status and Type are empty when
// the table uses the default AWS owned key.
type SSE struct {
	Status    string `json:"status"` // ENABLED, ...
	Type      string `json:"type"`   // KMS
	KMSKeyARN string `json:"kmsKeyArn"`
}

// Attr is one attribute of an item, with its DynamoDB type (S, N, BOOL, ...)
// and its value as text.
type Attr struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Item is a DynamoDB item with its attributes in a stable order: the
// sample's own order first, any others sorted by name.
type Item []Attr

// Get returns the value of the named attribute, or "" when absent.
func (it Item) Get(name string) string {
	for _, a := range it {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}
