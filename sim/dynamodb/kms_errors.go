package dynamodb

import (
	"errors"
	"fmt"
	"net/http"

	"kmslab/sim/api"
	"kmslab/sim/authz"
)

// kmsCode extracts the KMS error code and message of err.
func kmsCode(err error) (code, msg string, ok bool) {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Message, true
	}
	var d *authz.Denied
	if errors.As(err, &d) {
		return "AccessDeniedException", d.Message, true
	}
	return "", "", false
}

// kmsFrame renders a KMS error the way DynamoDB (a Java service) quotes it.
func (s *Service) kmsFrame(prefix, code, msg string) string {
	class := code
	if code == "AccessDeniedException" {
		class = "AWSKMSException" // the Java SDK has no modelled class for it
	}
	return fmt.Sprintf("%s: com.amazonaws.services.kms.model.%s: %s (Service: AWSKMS; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)",
		prefix, class, msg, code, s.env.UUID())
}

// kmsAccessError turns a KMS failure on the data plane into DynamoDB's answer.
func (s *Service) kmsAccessError(err error) error {
	code, msg, ok := kmsCode(err)
	if !ok {
		return fmt.Errorf("kms: %w", err)
	}
	text := s.kmsFrame("KMS key access denied error", code, msg)
	if code == "AccessDeniedException" {
		return api.BadRequest("AccessDeniedException", "%s", text)
	}
	return api.BadRequest("ValidationException", "%s", text)
}

// kmsValidationError turns a KMS failure while creating or updating a table into DynamoDB's answer.
func (s *Service) kmsValidationError(err error) error {
	code, msg, ok := kmsCode(err)
	if !ok {
		return fmt.Errorf("kms: %w", err)
	}
	if code == "AccessDeniedException" {
		return api.BadRequest("AccessDeniedException", "%s", s.kmsFrame("KMS key access denied error", code, msg))
	}
	return &api.Error{Code: "ValidationException", Message: s.kmsFrame("KMS validation error", code, msg), Status: http.StatusBadRequest, Sender: true}
}
