package awsops

import (
	"errors"

	"github.com/aws/smithy-go"
)

// need is what a call needed, as the lab knows it: who made it, and the
// action on the resource that a refusal of it is about. A denial is
// classified by its error code alone; what it was about comes from here,
// never from the message, whose wording AWS varies (DynamoDB has quoted
// KMS's "User: … is not authorized to perform: kms:Decrypt on resource: …",
// and also "The ciphertext refers to a customer master key that does not
// exist … or you are not allowed to access"; KMS's newer wording leaves the
// resource out).
type need struct {
	principal, action, resource string
}

// deniedCodes are the error codes AWS answers an authorization refusal
// with: DynamoDB and KMS send AccessDeniedException (DynamoDB also when KMS
// refused it the table key), IAM and STS AccessDenied.
var deniedCodes = map[string]bool{"AccessDeniedException": true, "AccessDenied": true}

// asDenied turns an access-denied API error into a Denied about what n
// says the call needed, or returns nil for any other error.
func asDenied(err error, n need) *Denied {
	var ae smithy.APIError
	if !errors.As(err, &ae) || !deniedCodes[ae.ErrorCode()] {
		return nil
	}
	d := &Denied{Code: ae.ErrorCode(), Message: ae.ErrorMessage(), Action: n.action, Resource: n.resource, Principal: n.principal}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		d.Operation = oe.Operation()
		d.Service = oe.Service()
	}
	return d
}

// Denied is an AccessDeniedException with what the lab knows about it. For
// the lab's decisive moment, Action is kms:Decrypt and Resource the key's
// ARN, although the call made was DynamoDB's Scan.
type Denied struct {
	Code      string `json:"code"`                // AccessDeniedException
	Action    string `json:"action"`              // kms:Decrypt
	Resource  string `json:"resource"`            // the key ARN
	Principal string `json:"principal,omitempty"` // who was refused
	Message   string `json:"message"`             // AWS's full message
	Operation string `json:"operation"`           // the API call that failed, e.g. Scan
	Service   string `json:"service"`             // the service called, e.g. DynamoDB
}
