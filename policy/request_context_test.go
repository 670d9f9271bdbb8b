package policy

import (
	"reflect"
	"testing"
	"time"
)

// TestRequestContext is the condition keys AWS sets, for a user and a role
// session, calling KMS directly or through a service, and for a request
// that is not on a KMS key.
func TestRequestContext(t *testing.T) {
	alice := Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333", UserName: "alice", UserID: "AIDAALICE"}
	session := Caller{ARN: "arn:aws:sts::111122223333:assumed-role/app/s1", Account: "111122223333",
		RoleARN: "arn:aws:iam::111122223333:role/team/app", UserID: "AROAAPP:s1"}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		in   RequestFacts
		want Context
	}{
		{"user, not KMS", RequestFacts{Caller: alice, Secure: true, Time: at}, Context{
			"aws:PrincipalArn": {alice.ARN}, "aws:PrincipalAccount": {"111122223333"}, "aws:PrincipalType": {"User"},
			"aws:SecureTransport": {"true"}, "aws:username": {"alice"}, "aws:userid": {"AIDAALICE"},
			"aws:CurrentTime": {"2026-12-01T09:00:00Z"},
		}},
		{"user through DynamoDB with an encryption context", RequestFacts{Caller: alice, KMS: true,
			ViaService: "dynamodb.us-east-1.amazonaws.com", EncryptionContext: map[string]string{"table": "t", "aws:dynamodb:tableName": "t"}}, Context{
			"aws:PrincipalArn": {alice.ARN}, "aws:PrincipalAccount": {"111122223333"}, "aws:PrincipalType": {"User"},
			"aws:SecureTransport": {"false"}, "aws:username": {"alice"}, "aws:userid": {"AIDAALICE"},
			"kms:CallerAccount": {"111122223333"}, "kms:ViaService": {"dynamodb.us-east-1.amazonaws.com"},
			"kms:EncryptionContext:table": {"t"}, "kms:EncryptionContext:aws:dynamodb:tableName": {"t"},
			"kms:EncryptionContextKeys": {"aws:dynamodb:tableName", "table"},
		}},
		{"the account's root user", RequestFacts{Caller: Caller{ARN: "arn:aws:iam::111122223333:root", Account: "111122223333", UserID: "111122223333"}}, Context{
			"aws:PrincipalArn": {"arn:aws:iam::111122223333:root"}, "aws:PrincipalAccount": {"111122223333"}, "aws:PrincipalType": {"Account"},
			"aws:SecureTransport": {"false"}, "aws:userid": {"111122223333"},
		}},
		{"a user named root is a user", RequestFacts{Caller: Caller{ARN: "arn:aws:iam::111122223333:user/root", Account: "111122223333", UserName: "root"}}, Context{
			"aws:PrincipalArn": {"arn:aws:iam::111122223333:user/root"}, "aws:PrincipalAccount": {"111122223333"}, "aws:PrincipalType": {"User"},
			"aws:SecureTransport": {"false"}, "aws:username": {"root"},
		}},
		{"role session, direct", RequestFacts{Caller: session, KMS: true}, Context{
			"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/team/app"}, "aws:PrincipalAccount": {"111122223333"},
			"aws:PrincipalType": {"AssumedRole"}, "aws:SecureTransport": {"false"}, "aws:userid": {"AROAAPP:s1"},
			"kms:CallerAccount": {"111122223333"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RequestContext(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RequestContext = %v\nwant %v", got, tt.want)
			}
		})
	}
}
