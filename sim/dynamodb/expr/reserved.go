package expr

import (
	_ "embed"
	"strings"
	"sync"
)

// reservedText is DynamoDB's published list of reserved words, one per line.
//
//go:embed reserved_words.txt
var reservedText string

// reserved is built on first use: package initialisation runs in every kmslab command,
// most of which never parse an expression.
var reserved = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(reservedText) {
		m[strings.ToUpper(w)] = true
	}
	return m
})

// IsReserved reports whether word is a DynamoDB reserved word (case-insensitive), which an
// expression may only use through an ExpressionAttributeNames placeholder.
func IsReserved(word string) bool { return reserved()[strings.ToUpper(word)] }
