package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestCorpus parses real policies (AWS managed policies from moto's data, KMS
// key policies as KMS writes them) and checks they survive a round trip both
// as Go values and as JSON.
func TestCorpus(t *testing.T) {
	for _, kind := range []struct {
		dir   string
		parse func([]byte) (*Document, error)
	}{{"identity", ParseIdentity}, {"resource", ParseResource}} {
		files, err := filepath.Glob(filepath.Join("testdata", kind.dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 5 {
			t.Fatalf("corpus %s has only %d documents", kind.dir, len(files))
		}
		for _, file := range files {
			t.Run(kind.dir+"/"+filepath.Base(file), func(t *testing.T) {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := kind.parse(src)
				if err != nil {
					t.Fatalf("parse: %v (%s)", err, err.(*ParseError).Detail)
				}
				out, err := doc.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				again, err := kind.parse(out)
				if err != nil {
					t.Fatalf("reparse %s: %v", out, err)
				}
				if !reflect.DeepEqual(doc, again) {
					t.Errorf("round trip changed the document:\n%#v\n%#v", doc, again)
				}
				var want, got any
				if err := json.Unmarshal(src, &want); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(want, got) {
					t.Errorf("JSON changed shape:\nsource %s\nwrote  %s", src, out)
				}
				pretty, err := kind.parse([]byte(doc.Pretty()))
				if err != nil || !reflect.DeepEqual(doc, pretty) {
					t.Errorf("Pretty does not reparse equal: %v", err)
				}
			})
		}
	}
}

// TestDocumentJSONInterfaces checks encoding/json drives the same code.
func TestDocumentJSONInterfaces(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":[3600]}}}}`
	var doc Document
	if err := json.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != src {
		t.Errorf("got  %s\nwant %s", out, src)
	}
	if err := json.Unmarshal([]byte(`{"Statement":[]}`), &doc); err == nil {
		t.Error("encoding/json accepted an empty Statement")
	}
	var l StringList
	if err := json.Unmarshal([]byte(`"a"`), &l); err != nil || !reflect.DeepEqual(l, StringList{"a"}) {
		t.Errorf("StringList from string: %v %v", l, err)
	}
	if err := json.Unmarshal([]byte(`["a","b"]`), &l); err != nil || !reflect.DeepEqual(l, StringList{"a", "b"}) {
		t.Errorf("StringList from list: %v %v", l, err)
	}
	if err := json.Unmarshal([]byte(`3`), &l); err == nil {
		t.Error("StringList accepted a number")
	}
	for _, c := range []struct {
		l    StringList
		want string
	}{{StringList{"a"}, `"a"`}, {StringList{"a", "b"}, `["a","b"]`}, {StringList{}, `[]`}} {
		if got, _ := json.Marshal(c.l); string(got) != c.want {
			t.Errorf("marshal %v = %s, want %s", c.l, got, c.want)
		}
	}
}
