package expr

import (
	_ "embed"
	"strings"
)

// reservedText is DynamoDB's published list of reserved words, one per line.
//
//go:embed reserved_words.txt
var reservedText string

var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(reservedText) {
		m[strings.ToUpper(w)] = true
	}
	return m
}()

// IsReserved reports whether word is a DynamoDB reserved word (case-insensitive), which an
// expression may only use through an ExpressionAttributeNames placeholder.
func IsReserved(word string) bool { return reserved[strings.ToUpper(word)] }
