package awsops

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// asDenied turns an access-denied API error into a Denied, or returns nil
// for any other error.
func asDenied(err error) *Denied {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	switch ae.ErrorCode() {
	case "AccessDeniedException", "AccessDenied":
	default:
		return nil
	}
	d := &Denied{Code: ae.ErrorCode(), Message: ae.ErrorMessage()}
	d.Action, d.Resource, d.Principal, d.Reason = parseDenied(d.Message)
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		d.Operation = oe.Operation()
		d.Service = oe.Service()
	}
	return d
}

// parseDenied takes apart AWS's denial message, which for the lab reads
//
//	KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException:
//	User: <arn> is not authorized to perform: kms:Decrypt on resource: <arn>
//	because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; ...)
//
// Every part is optional; a message in another shape yields empty strings.
// The results are always substrings of msg.
func parseDenied(msg string) (action, resource, principal, reason string) {
	const (
		userMark     = "User: "
		performMark  = " is not authorized to perform: "
		resourceMark = " on resource: "
		becauseMark  = " because "
	)
	p := strings.Index(msg, performMark)
	if p < 0 {
		return "", "", "", ""
	}
	if u := strings.LastIndex(msg[:p], userMark); u >= 0 {
		principal = strings.TrimSpace(msg[u+len(userMark) : p])
	}
	rest := msg[p+len(performMark):]
	action, rest = firstField(rest)
	if strings.HasPrefix(rest, resourceMark) {
		resource, rest = firstField(rest[len(resourceMark):])
	}
	if strings.HasPrefix(rest, becauseMark) {
		reason = rest[1:]
		if end := strings.Index(reason, " (Service:"); end >= 0 {
			reason = reason[:end]
		}
		reason = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(reason), "."))
	}
	return action, resource, principal, reason
}

// firstField splits s at its first space, dropping a trailing period or
// comma from the field.
func firstField(s string) (field, rest string) {
	end := strings.IndexByte(s, ' ')
	if end < 0 {
		end = len(s)
	}
	field, rest = s[:end], s[end:]
	field = strings.TrimRight(field, ".,;")
	return field, rest
}

// Denied is an AccessDeniedException taken apart. For the lab's decisive
// moment, Action is kms:Decrypt and Resource the key's ARN, although the call
// made was DynamoDB's Scan.
type Denied struct {
	Code      string `json:"code"`                // AccessDeniedException
	Action    string `json:"action"`              // kms:Decrypt
	Resource  string `json:"resource"`            // the key ARN
	Principal string `json:"principal,omitempty"` // who was refused
	Reason    string `json:"reason,omitempty"`    // "because no identity-based policy allows the kms:Decrypt action"
	Message   string `json:"message"`             // AWS's full message
	Operation string `json:"operation"`           // the API call that failed, e.g. Scan
	Service   string `json:"service"`             // the service called, e.g. DynamoDB
}
