package policy

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func corpusSeeds(f *testing.F) [][]byte {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	var seeds [][]byte
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(src) < 4096 { // big seeds slow the fuzzer down without adding shapes
			seeds = append(seeds, src)
		}
	}
	return append(seeds,
		[]byte(`{"Statement":{"Effect":"Deny","NotPrincipal":"*","NotAction":"a:b","NotResource":"arn:${*}:${aws:username, 'x'}"}}`),
		[]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"ForAllValues:NumericLessThanIfExists":{"a:b":[1,true,"x"]},"Null":{"c:d":"false"}}}]}`),
		[]byte(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333"],"Service":["s"],"Federated":"f"},"Action":["x:y"]}]}`),
	)
}

// FuzzParse checks that no input panics the parser and that every accepted
// document survives marshalling unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range corpusSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"Statement":[]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Action":"a:b","Condition":{"Bool":{"a:b":[0.5e10,false]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte) (*Document, error){Parse, ParseIdentity, ParseResource} {
			d, err := parse(data)
			if err != nil {
				if _, ok := err.(*ParseError); !ok {
					t.Fatalf("error %T %v is not a *ParseError", err, err)
				}
				continue
			}
			out, err := d.MarshalJSON()
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			again, err := parse(out)
			if err != nil {
				t.Fatalf("reparse of %s failed: %v", out, err)
			}
			if !reflect.DeepEqual(d, again) {
				t.Fatalf("round trip changed the document\nin  %s\nout %s", data, out)
			}
			if _, err := parse([]byte(d.Pretty())); err != nil {
				t.Fatalf("Pretty output does not parse: %v", err)
			}
		}
	})
}

// FuzzEvaluate checks that any accepted policy and any request evaluate
// without panicking and with a consistent outcome.
func FuzzEvaluate(f *testing.F) {
	for _, s := range corpusSeeds(f) {
		f.Add(s, alice, "kms:Decrypt", keyARN, "kms:ViaService", "dynamodb.us-east-1.amazonaws.com", true)
	}
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:${aws:PrincipalArn}*"}}`),
		"arn:aws:sts::1:assumed-role/r/s", "s3:Get", "arn:aws:s3:::b", "aws:username", "", false)
	f.Fuzz(func(t *testing.T, data []byte, principal, action, resource, key, value string, isKMS bool) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		req := Request{PrincipalARN: principal, Action: action, Resource: resource, Context: Context{key: {value}}}
		for _, r := range []Result{d.EvaluateIdentity("id", req), d.EvaluateResource("res", req)} {
			if (r.Decision == NoDecision) != (len(r.Matches) == 0) {
				t.Fatalf("decision %v with matches %+v", r.Decision, r.Matches)
			}
		}
		in := Input{Request: req, Identity: []Named{{Name: "p", Doc: d}}, Resource: d, KMS: isKMS}
		out := Evaluate(in)
		// The trace walks every element Evaluate skips; it must still agree.
		if tr := Explain(in); tr.Decision != out.Decision || tr.Reason != out.Reason {
			t.Fatalf("trace decided %v (%v), Evaluate %v (%v)", tr.Decision, tr.Reason, out.Decision, out.Reason)
		}
		if tr := Explain(in); Narrate(tr).Allowed != (tr.Verdict() == "Allowed") {
			t.Fatalf("narrative %q for verdict %s", Narrate(tr).Summary, tr.Verdict())
		}
		decisive := 0
		for _, st := range Explain(in).Steps {
			if st.Decisive {
				decisive++
			}
		}
		if decisive != 1 {
			t.Fatalf("%d decisive steps for %v (%v)", decisive, out.Decision, out.Reason)
		}
		if (out.Decision == Allow) != (out.Reason == Allowed) {
			t.Fatalf("decision %v with reason %v", out.Decision, out.Reason)
		}
		if (out.Message(principal, action, resource) == "") != (out.Decision == Allow) {
			t.Fatalf("message does not fit decision %v", out.Decision)
		}
	})
}
