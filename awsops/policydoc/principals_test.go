package policydoc

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestAWSPrincipals: the one reader of a Principal's "AWS" value, for adding
// and for dropping a key user alike.
func TestAWSPrincipals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw     string
		want    []string
		wantErr bool
	}{
		{`"arn:aws:iam::111122223333:root"`, []string{"arn:aws:iam::111122223333:root"}, false},
		{`["a","b"]`, []string{"a", "b"}, false},
		{`[]`, []string{}, false},
		{`"*"`, []string{"*"}, false},
		{`{"AWS":"a"}`, nil, true},
		{`[1]`, nil, true},
	} {
		got, err := awsPrincipals(json.RawMessage(tc.raw))
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("awsPrincipals(%s) = %q, %v; want %q, error %v", tc.raw, got, err, tc.want, tc.wantErr)
		}
	}
}
