package dynamodb

import (
	"errors"
	"testing"

	"kmslab/sim/api"
)

// FuzzTablePolicy feeds arbitrary documents to PutResourcePolicy's parser: it must never
// panic, must refuse with a ValidationException only, and what it accepts must parse again
// to the same text (it is what --data-dir keeps and restores).
func FuzzTablePolicy(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"dynamodb:Scan","Resource":"*"}]}`,
		`{"Statement":{"Sid":"a","Effect":"Deny","Principal":"*","Action":["dynamodb:*"],"Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/t"}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`,
		`{"Statement":[]}`, `{}`, `[]`, ``, `{"Statement":[{"Sid":"a"},{"Sid":"a"}]}`, `{"Statement":[1]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		_, compact, err := parseTablePolicy(text)
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Code != "ValidationException" {
				t.Fatalf("refused with %v, want a ValidationException", err)
			}
			return
		}
		_, again, err := parseTablePolicy(compact)
		if err != nil || again != compact {
			t.Fatalf("accepted %q, but its stored form %q reads back as %q, %v", text, compact, again, err)
		}
	})
}
