package sim_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kmslab/sim"
)

// matchesTable is the tournament table of AWS's multi-attribute keys guide
// (developerguide/GSI.DesignPattern.MultiAttributeKeys.html): a GSI whose partition key is
// tournamentId and region, and whose sort key is round, bracket and matchId.
func matchesTable(t *testing.T, ddb *dynamodb.Client, name string) {
	t.Helper()
	def := func(n string, typ ddbtypes.ScalarAttributeType) ddbtypes.AttributeDefinition {
		return ddbtypes.AttributeDefinition{AttributeName: aws.String(n), AttributeType: typ}
	}
	el := func(n string, kt ddbtypes.KeyType) ddbtypes.KeySchemaElement {
		return ddbtypes.KeySchemaElement{AttributeName: aws.String(n), KeyType: kt}
	}
	if _, err := ddb.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		KeySchema:   []ddbtypes.KeySchemaElement{el("matchId", ddbtypes.KeyTypeHash)},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{def("matchId", "S"), def("tournamentId", "S"), def("regionId", "S"),
			def("round", "S"), def("bracket", "S"), def("seq", "N")},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{
			IndexName: aws.String("byTournamentRegion"),
			KeySchema: []ddbtypes.KeySchemaElement{el("tournamentId", ddbtypes.KeyTypeHash), el("regionId", ddbtypes.KeyTypeHash),
				el("round", ddbtypes.KeyTypeRange), el("bracket", ddbtypes.KeyTypeRange), el("seq", ddbtypes.KeyTypeRange)},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}},
	}); err != nil {
		t.Fatalf("CreateTable with a multi-attribute GSI key: %v", err)
	}
	for i, m := range []struct{ t, r, round, bracket string }{
		{"WINTER2024", "NA-EAST", "SEMIFINALS", "UPPER"}, {"WINTER2024", "NA-EAST", "SEMIFINALS", "LOWER"},
		{"WINTER2024", "NA-EAST", "FINALS", "UPPER"}, {"WINTER2024", "EU-WEST", "SEMIFINALS", "UPPER"},
		{"SUMMER2025", "NA-EAST", "SEMIFINALS", "UPPER"},
	} {
		item := map[string]ddbtypes.AttributeValue{"matchId": s(fmt.Sprintf("m%d", i)), "tournamentId": s(m.t), "regionId": s(m.r),
			"round": s(m.round), "bracket": s(m.bracket), "seq": n(fmt.Sprint(i))}
		if _, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(name), Item: item}); err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}
	// Without every key attribute an item stays out of the index (indexes are sparse).
	if _, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]ddbtypes.AttributeValue{
		"matchId": s("m9"), "tournamentId": s("WINTER2024"), "round": s("SEMIFINALS"), "bracket": s("UPPER"), "seq": n("9")}}); err != nil {
		t.Fatalf("PutItem without regionId: %v", err)
	}
}

func queryMatches(t *testing.T, ddb *dynamodb.Client, table, cond string, vals map[string]ddbtypes.AttributeValue) ([]string, error) {
	t.Helper()
	out, err := ddb.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String("byTournamentRegion"),
		KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: vals})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, it := range out.Items {
		ids = append(ids, it["matchId"].(*ddbtypes.AttributeValueMemberS).Value)
	}
	return ids, nil
}

// TestDynamoDBMultiAttributeGSIKeys queries a GSI with a multi-attribute key with the rules
// AWS documents: every partition key attribute with =, then the sort key attributes from the
// first without a gap, a range condition only on the last one named.
func TestDynamoDBMultiAttributeGSIKeys(t *testing.T) {
	t.Parallel()
	_, ddb := newDDB(t)
	matchesTable(t, ddb, "matches")
	desc, err := ddb.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("matches")})
	if err != nil || len(desc.Table.GlobalSecondaryIndexes[0].KeySchema) != 5 || aws.ToInt64(desc.Table.GlobalSecondaryIndexes[0].ItemCount) != 5 {
		t.Fatalf("DescribeTable: %+v %v", desc.Table.GlobalSecondaryIndexes, err)
	}
	vals := func(kv ...string) map[string]ddbtypes.AttributeValue {
		m := map[string]ddbtypes.AttributeValue{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = s(kv[i+1])
		}
		return m
	}
	for _, c := range []struct {
		cond string
		vals map[string]ddbtypes.AttributeValue
		want []string
	}{
		{"tournamentId = :t AND regionId = :r", vals(":t", "WINTER2024", ":r", "NA-EAST"), []string{"m2", "m1", "m0"}},
		{"tournamentId = :t AND regionId = :r AND round = :rd", vals(":t", "WINTER2024", ":r", "NA-EAST", ":rd", "SEMIFINALS"), []string{"m1", "m0"}},
		{"regionId = :r AND tournamentId = :t AND round = :rd AND bracket = :b", vals(":t", "WINTER2024", ":r", "NA-EAST", ":rd", "SEMIFINALS", ":b", "UPPER"), []string{"m0"}},
		{"tournamentId = :t AND regionId = :r AND round > :rd", vals(":t", "WINTER2024", ":r", "NA-EAST", ":rd", "FINALS"), []string{"m1", "m0"}},
		{"tournamentId = :t AND regionId = :r AND begins_with(round, :rd)", vals(":t", "WINTER2024", ":r", "NA-EAST", ":rd", "FIN"), []string{"m2"}},
		{"tournamentId = :t AND regionId = :r", vals(":t", "WINTER2024", ":r", "EU-WEST"), []string{"m3"}},
	} {
		got, err := queryMatches(t, ddb, "matches", c.cond, c.vals)
		if err != nil || !slices.Equal(got, c.want) {
			t.Fatalf("Query %s: %v %v, want %v", c.cond, got, err, c.want)
		}
	}
	for _, c := range []struct {
		cond string
		vals map[string]ddbtypes.AttributeValue
		msg  string
	}{
		{"tournamentId = :t", vals(":t", "WINTER2024"), "Query condition missed key schema element: regionId"},
		{"tournamentId = :t AND regionId = :r AND bracket = :b", vals(":t", "WINTER2024", ":r", "NA-EAST", ":b", "UPPER"), "Query condition missed key schema element: round"},
		{"tournamentId = :t AND regionId = :r AND round > :rd AND bracket = :b", vals(":t", "WINTER2024", ":r", "NA-EAST", ":rd", "A", ":b", "UPPER"), "Query key condition not supported"},
		{"tournamentId = :t AND regionId > :r", vals(":t", "WINTER2024", ":r", "NA-EAST"), "Query key condition not supported"},
	} {
		_, err := queryMatches(t, ddb, "matches", c.cond, c.vals)
		if code, msg := awsErr(t, "Query "+c.cond, err); code != "ValidationException" || msg != c.msg {
			t.Fatalf("Query %s: %s %s, want ValidationException %s", c.cond, code, msg, c.msg)
		}
	}

	// UpdateTable adds one too.
	if _, err := ddb.UpdateTable(context.Background(), &dynamodb.UpdateTableInput{TableName: aws.String("matches"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("round"), AttributeType: "S"},
			{AttributeName: aws.String("bracket"), AttributeType: "S"}, {AttributeName: aws.String("seq"), AttributeType: "N"}},
		GlobalSecondaryIndexUpdates: []ddbtypes.GlobalSecondaryIndexUpdate{{Create: &ddbtypes.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byRoundBracket"),
			KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("round"), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String("bracket"), KeyType: ddbtypes.KeyTypeHash}, {AttributeName: aws.String("seq"), KeyType: ddbtypes.KeyTypeRange}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeKeysOnly}}}},
	}); err != nil {
		t.Fatalf("UpdateTable adding a multi-attribute GSI: %v", err)
	}
	desc, err = ddb.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("matches")})
	if err != nil || len(desc.Table.GlobalSecondaryIndexes) != 2 || len(desc.Table.GlobalSecondaryIndexes[1].KeySchema) != 3 {
		t.Fatalf("DescribeTable after UpdateTable: %+v %v", desc.Table.GlobalSecondaryIndexes, err)
	}

	five := []ddbtypes.KeySchemaElement{}
	var defs []ddbtypes.AttributeDefinition
	for i := range 5 {
		name := fmt.Sprintf("h%d", i)
		five = append(five, ddbtypes.KeySchemaElement{AttributeName: aws.String(name), KeyType: ddbtypes.KeyTypeHash})
		defs = append(defs, ddbtypes.AttributeDefinition{AttributeName: aws.String(name), AttributeType: "S"})
	}
	_, err = ddb.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String("five"), BillingMode: ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: append(defs, ddbtypes.AttributeDefinition{AttributeName: aws.String("pk"), AttributeType: "S"}),
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{IndexName: aws.String("tooMany"), KeySchema: five,
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeKeysOnly}}},
	})
	if code, _ := awsErr(t, "CreateTable with five partition key attributes", err); code != "ValidationException" {
		t.Fatalf("CreateTable with five partition key attributes: %v", err)
	}
}

// TestDataDirKeepsMultiAttributeIndexes: the index's whole key schema survives a restart.
func TestDataDirKeepsMultiAttributeIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	srv1, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	matchesTable(t, dynamodb.NewFromConfig(sdkConfig(srv1, srv1.Admin.AccessKeyID, srv1.Admin.SecretAccessKey)), "kept")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	srv2, err := sim.Start(ctx, sim.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	ddb := dynamodb.NewFromConfig(sdkConfig(srv2, srv2.Admin.AccessKeyID, srv2.Admin.SecretAccessKey))
	got, err := queryMatches(t, ddb, "kept", "tournamentId = :t AND regionId = :r AND round = :rd",
		map[string]ddbtypes.AttributeValue{":t": s("WINTER2024"), ":r": s("NA-EAST"), ":rd": s("SEMIFINALS")})
	if err != nil || !slices.Equal(got, []string{"m1", "m0"}) {
		t.Fatalf("Query after restart: %v %v", got, err)
	}
}
