package iam

import (
	"net/http"

	"kmslab/sim/api"
)

// noSuchEntity is IAM's answer for anything named that does not exist.
func noSuchEntity(format string, args ...any) *api.Error {
	return api.Errorf(http.StatusNotFound, "NoSuchEntity", format, args...)
}
