package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	const allow = `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}`
	doc := func(stmts string) string { return `{"Version":"2012-10-17","Statement":[` + stmts + `]}` }
	tests := []struct {
		name  string
		parse func([]byte) (*Document, error)
		src   string
		want  string // expected Message; "" means accepted
	}{
		{"valid identity", ParseIdentity, doc(allow), ""},
		{"valid 2008", ParseIdentity, `{"Version":"2008-10-17","Statement":` + allow + `}`, ""},
		{"no version", ParseIdentity, `{"Statement":` + allow + `}`, ""},
		{"invalid json", Parse, `{"Version":`, msgInvalidJSON},
		{"trailing garbage", Parse, doc(allow) + `x`, msgInvalidJSON},
		{"not an object", Parse, `["Statement"]`, msgInvalidJSON},
		{"missing statement", Parse, `{"Version":"2012-10-17"}`, msgSyntax},
		{"empty statement list", Parse, doc(``), msgSyntax},
		{"statement is a string", Parse, `{"Statement":"x"}`, msgSyntax},
		{"unknown top-level field", Parse, `{"Version":"2012-10-17","Statment":[],"Statement":` + allow + `}`, msgSyntax},
		{"lower-case element name", Parse, `{"version":"2012-10-17","Statement":` + allow + `}`, msgSyntax},
		{"unknown statement field", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Actions":"x"}`), msgSyntax},
		{"bad version", Parse, `{"Version":"2012-10-18","Statement":` + allow + `}`, msgLegacy},
		{"version not a string", Parse, `{"Version":2012,"Statement":` + allow + `}`, msgSyntax},
		{"bad effect", Parse, doc(`{"Effect":"allow","Action":"s3:*","Resource":"*"}`), msgSyntax},
		{"missing effect", Parse, doc(`{"Action":"s3:*","Resource":"*"}`), msgSyntax},
		{"missing action", Parse, doc(`{"Effect":"Allow","Resource":"*"}`), msgNoActions},
		{"action and notaction", Parse, doc(`{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}`), msgSyntax},
		{"resource and notresource", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}`), msgSyntax},
		{"action without vendor", Parse, doc(`{"Effect":"Allow","Action":"Decrypt","Resource":"*"}`), msgVendor},
		{"action is a number", Parse, doc(`{"Effect":"Allow","Action":3,"Resource":"*"}`), msgSyntax},
		{"action null", Parse, doc(`{"Effect":"Allow","Action":null,"Resource":"*"}`), msgSyntax},
		{"resource not arn", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}`), `Resource bucket must be in ARN format or "*".`},
		{"principal in identity policy", ParseIdentity, doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), msgPrincipalInIAM},
		{"notprincipal in identity policy", ParseIdentity, doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`), msgPrincipalInIAM},
		{"identity needs resource", ParseIdentity, doc(`{"Effect":"Allow","Action":"s3:*"}`), msgNoResources},
		{"identity sid alphanumeric", ParseIdentity, doc(`{"Sid":"Allow use","Effect":"Allow","Action":"s3:*","Resource":"*"}`), msgSidAlnum},
		{"identity sid unique", ParseIdentity, doc(`{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}`), msgSidUnique},
		{"key policy sid with spaces", ParseResource, doc(`{"Sid":"Allow use of the key","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`), ""},
		{"resource policy needs principal", ParseResource, doc(allow), msgMissingPrincipal},
		{"resource policy without resource", ParseResource, doc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), ""},
		{"generic parse allows principal", Parse, doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), ""},
		{"principal and notprincipal", Parse, doc(`{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:*","Resource":"*"}`), msgSyntax},
		{"principal string not star", ParseResource, doc(`{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root","Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: "arn:aws:iam::111122223333:root"`},
		{"principal aws not arn", ParseResource, doc(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: "AWS":"alice"`},
		{"principal empty object", ParseResource, doc(`{"Effect":"Allow","Principal":{},"Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: {}`},
		{"principal unknown type", ParseResource, doc(`{"Effect":"Allow","Principal":{"Root":"x"},"Action":"s3:*","Resource":"*"}`), msgSyntax},
		{"unknown operator", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqual":{"aws:username":"a"}}}`), msgSyntax},
		{"null ifexists", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}`), msgSyntax},
		{"qualified ifexists operator", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringNotEqualsIfExists":{"aws:TagKeys":["a"]}}}`), ""},
		{"condition key without vendor", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}`), msgVendor},
		{"condition value object", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}}`), msgSyntax},
		{"condition value null", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}`), msgSyntax},
		{"condition not object", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":[]}`), msgSyntax},
		{"condition bool and number values", Parse, doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":[1.2,-3e2]}}}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.parse([]byte(tt.src))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v (%s)", err, err.(*ParseError).Detail)
				}
				if d == nil || len(d.Statement) == 0 {
					t.Fatal("accepted without statements")
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError %q", err, tt.want)
			}
			if pe.Message != tt.want {
				t.Errorf("message = %q, want %q (detail %s)", pe.Message, tt.want, pe.Detail)
			}
			if pe.Detail == "" {
				t.Error("no detail for people")
			}
			if d != nil {
				t.Error("returned a document with an error")
			}
		})
	}
}

func TestParseKeepsShape(t *testing.T) {
	tests := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["*"]}]}`,
		`{"Statement":[{"Sid":"x","Effect":"Deny","Principal":{"AWS":["111122223333"],"Service":"ec2.amazonaws.com"},"NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}]}`,
		`{"Id":"k","Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"s3:*","Condition":{"Bool":{"aws:c":[true,"false"]},"StringEquals":{"aws:a":["x"],"aws:b":"<y>"}}}]}`,
	}
	for _, src := range tests {
		d, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := d.String(); got != src {
			t.Errorf("round trip\n got %s\nwant %s", got, src)
		}
	}
	d, _ := Parse([]byte(tests[0]))
	if !strings.Contains(d.Pretty(), "\n  \"Statement\": {") {
		t.Errorf("Pretty is not indented:\n%s", d.Pretty())
	}
}
