package kms

import "kmslab/sim/api"

func errNotFound(format string, args ...any) *api.Error {
	return api.BadRequest("NotFoundException", format, args...)
}

func errDisabled(k *key) *api.Error {
	return api.BadRequest("DisabledException", "%s is disabled.", k.arn)
}

func errPendingDeletion(k *key) *api.Error {
	return api.BadRequest("KMSInvalidStateException", "%s is pending deletion.", k.arn)
}

func errMalformedPolicy(msg string) *api.Error {
	return api.BadRequest("MalformedPolicyDocumentException", "%s", msg)
}

// errInvalidCiphertext carries no message: AWS says nothing more, so as not to
// tell an attacker which part of a blob or context was wrong.
func errInvalidCiphertext() *api.Error {
	return api.BadRequest("InvalidCiphertextException", "")
}

func errDryRun() *api.Error {
	return api.BadRequest("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
}
