package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestConditionalCheckFailedBodyWithItem: with ReturnValuesOnConditionCheckFailure ALL_OLD the
// error body is {"__type", "Message", "Item"}, with no lowercase message, as DynamoDB sends it;
// without the item it keeps the lowercase message.
func TestConditionalCheckFailedBodyWithItem(t *testing.T) {
	t.Parallel()
	srv, ddb := newDDB(t)
	createTable(t, ddb, "ccf", false, nil)
	if _, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("ccf"), Item: map[string]ddbtypes.AttributeValue{"pk": s("a")}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		onFailure string
		keys      []string
	}{{"ALL_OLD", []string{"Item", "Message", "__type"}}, {"NONE", []string{"__type", "message"}}} {
		body := `{"TableName":"ccf","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"` + c.onFailure + `"}`
		status, _, b := rawCall(t, srv, "dynamodb", "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", body,
			srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, time.Now())
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(b, &doc); err != nil || status != 400 {
			t.Fatalf("%s: %d %s", c.onFailure, status, b)
		}
		var keys []string
		for k := range doc {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, c.keys) {
			t.Fatalf("%s: error body members %v, want %v (%s)", c.onFailure, keys, c.keys, b)
		}
	}
	// The SDK reads the uppercase Message as the error message.
	_, err := ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("ccf"), Item: map[string]ddbtypes.AttributeValue{"pk": s("a")},
		ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.ErrorMessage() != "The conditional request failed" || ccf.Item["pk"] == nil {
		t.Fatalf("PutItem ALL_OLD: %v", err)
	}
}

// TestDynamoDBValidationWording: messages DynamoDB answers for an empty set among the
// ExpressionAttributeValues, an unused value, and a key condition on the wrong attribute
// (wording from AWS-verified suites: moto's test_dynamodb_exceptions.py, dynalite).
func TestDynamoDBValidationWording(t *testing.T) {
	t.Parallel()
	srv, ddb := newDDB(t)
	createTable(t, ddb, "composite", true, nil)
	createTable(t, ddb, "simple", false, nil)
	for _, c := range []struct{ name, op, body, msg string }{
		{"empty string set", "Query", `{"TableName":"composite","KeyConditionExpression":"pk = :v","ExpressionAttributeValues":{":v":{"S":"a"},":e":{"SS":[]}}}`,
			"ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :e"},
		{"empty number set", "UpdateItem", `{"TableName":"composite","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET a = :e","ExpressionAttributeValues":{":e":{"NS":[]}}}`,
			"ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An number set  may not be empty for key :e"},
		{"unused value", "Query", `{"TableName":"composite","KeyConditionExpression":"pk = :v","ExpressionAttributeValues":{":v":{"S":"a"},":u":{"S":"x"}}}`,
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}"},
		{"wrong partition key", "Query", `{"TableName":"composite","KeyConditionExpression":"foo = :v","ExpressionAttributeValues":{":v":{"S":"a"}}}`,
			"Query condition missed key schema element: pk"},
		{"wrong sort key", "Query", `{"TableName":"composite","KeyConditionExpression":"pk = :v AND foo = :w","ExpressionAttributeValues":{":v":{"S":"a"},":w":{"N":"1"}}}`,
			"Query condition missed key schema element: sk"},
		{"wrong partition key with the sort key", "Query", `{"TableName":"composite","KeyConditionExpression":"foo = :v AND sk = :w","ExpressionAttributeValues":{":v":{"S":"a"},":w":{"N":"1"}}}`,
			"Query condition missed key schema element: pk"},
		{"PutResourcePolicy without a policy", "PutResourcePolicy", `{"ResourceArn":"arn:aws:dynamodb:us-east-1:111122223333:table/composite"}`,
			"1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null"},
		{"extra attribute on a partition-key-only table", "Query", `{"TableName":"simple","KeyConditionExpression":"pk = :v AND foo = :w","ExpressionAttributeValues":{":v":{"S":"a"},":w":{"N":"1"}}}`,
			"Query key condition not supported"},
	} {
		status, _, b := rawCall(t, srv, "dynamodb", "DynamoDB_20120810."+c.op, "application/x-amz-json-1.0", c.body,
			srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, time.Now())
		code, msg := jsonType(t, b)
		if status != 400 || code != "com.amazonaws.dynamodb.v20120810#ValidationException" || msg != c.msg {
			t.Errorf("%s: %d %s %q\nwant ValidationException %q", c.name, status, code, msg, c.msg)
		}
	}
}
