package awsops

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func apiErr(code, msg string) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "Scan",
		Err: &smithy.GenericAPIError{Code: code, Message: msg}}
}

func TestAsDenied(t *testing.T) {
	n := need{principal: "arn:aws:iam::1:user/u", action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:1:key/k"}
	for _, code := range []string{"AccessDeniedException", "AccessDenied"} {
		// Whatever the message says, the denial is about what the lab knows
		// the call needed.
		d := asDenied(fmt.Errorf("scan: %w", apiErr(code, "User: arn:aws:iam::1:user/other is not authorized to perform: dynamodb:Scan")), n)
		if d == nil {
			t.Fatal("not recognised as a denial")
		}
		if d.Code != code || d.Action != n.action || d.Resource != n.resource || d.Principal != n.principal ||
			d.Operation != "Scan" || d.Service != "DynamoDB" {
			t.Fatalf("denied = %+v", d)
		}
	}
	for _, err := range []error{
		errors.New("plain"),
		apiErr("ResourceNotFoundException", "Requested resource not found"),
		context.Canceled,
	} {
		if d := asDenied(err, n); d != nil {
			t.Errorf("asDenied(%v) = %+v", err, d)
		}
	}
}
