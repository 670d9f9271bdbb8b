package wire

import (
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"kmslab/sim/api"
)

func mustForm(t testing.TB, raw string) url.Values {
	t.Helper()
	f, err := ParseForm("", []byte(raw))
	if err != nil {
		t.Fatalf("ParseForm(%q): %v", raw, err)
	}
	return f
}

func TestFormList(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		raw     string
		want    []string
		wantErr bool
	}{
		{"absent", "L", "Action=X", []string{}, false},
		{"empty list", "PolicyArns", "PolicyArns=", []string{}, false},
		{"in order", "PolicyArns", "PolicyArns.member.1=a&PolicyArns.member.2=b", []string{"a", "b"}, false},
		{"sorted by index not by text", "L", "L.member.10=j&L.member.2=b&L.member.1=a", []string{"a", "b", "j"}, false},
		{"gap skipped", "L", "L.member.1=a&L.member.3=c", []string{"a", "c"}, false},
		{"struct members ignored", "L", "L.member.1.Key=k&L.member.2=b", []string{"b"}, false},
		{"other prefix ignored", "L", "LL.member.1=x&L.member.1=a", []string{"a"}, false},
		{"escaped value", "L", "L.member.1=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FX", []string{"arn:aws:iam::aws:policy/X"}, false},
		{"zero index", "L", "L.member.0=a", nil, true},
		{"leading zero", "L", "L.member.01=a", nil, true},
		{"not a number", "L", "L.member.x=a", nil, true},
		{"negative", "L", "L.member.-1=a", nil, true},
		{"too large", "L", "L.member.100001=a", nil, true},
		{"empty index", "L", "L.member.=a", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormList(mustForm(t, tt.raw), tt.prefix)
			if tt.wantErr {
				var ae *api.Error
				if !errors.As(err, &ae) || ae.Code != "MalformedQueryString" || ae.Status != 400 {
					t.Fatalf("err = %v, want MalformedQueryString 400", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormMembers(t *testing.T) {
	f := mustForm(t, "Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1"+
		"&ContextEntries.member.1.ContextKeyName=kms%3AViaService"+
		"&ContextEntries.member.1.ContextKeyValues.member.1=dynamodb.us-east-1.amazonaws.com"+
		"&ContextEntries.member.1.ContextKeyValues.member.2=x"+
		"&ContextEntries.member.1.ContextKeyType=string")
	tags, err := FormMembers(f, "Tags")
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, m := range tags {
		got = append(got, [2]string{m.Get("Key"), m.Get("Value")})
	}
	if want := [][2]string{{"a", "1"}, {"b", "2"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("tags = %v, want %v", got, want)
	}

	entries, err := FormMembers(f, "ContextEntries")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("entries = %v", entries)
	}
	vals, err := FormList(entries[0], "ContextKeyValues")
	if err != nil {
		t.Fatal(err)
	}
	if entries[0].Get("ContextKeyName") != "kms:ViaService" || !reflect.DeepEqual(vals, []string{"dynamodb.us-east-1.amazonaws.com", "x"}) {
		t.Fatalf("entry = %v, values %q", entries[0], vals)
	}

	if _, err := FormMembers(mustForm(t, "Tags.member.a.Key=x"), "Tags"); err == nil {
		t.Fatal("bad index accepted")
	}
	none, err := FormMembers(mustForm(t, "Tags="), "Tags")
	if err != nil || len(none) != 0 {
		t.Fatalf("empty list = %v, %v", none, err)
	}
}

func TestFormMap(t *testing.T) {
	m, err := FormMap(mustForm(t, "A.entry.1.key=k1&A.entry.1.value=v1&A.entry.2.key=k2"), "A")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"k1": "v1", "k2": ""}; !reflect.DeepEqual(m, want) {
		t.Fatalf("got %v, want %v", m, want)
	}
	if _, err := FormMap(mustForm(t, "A.entry.1.value=v"), "A"); err == nil {
		t.Fatal("entry without key accepted")
	}
}

func TestFormHas(t *testing.T) {
	f := mustForm(t, "Tags=&PolicyArns.member.1=a&UserName=bob")
	for name, want := range map[string]bool{"Tags": true, "PolicyArns": true, "UserName": true, "Path": false, "Policy": false} {
		if got := FormHas(f, name); got != want {
			t.Errorf("FormHas(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestFormListRoundTrip encodes lists the way the SDKs do and decodes them back.
func TestFormListRoundTrip(t *testing.T) {
	for n := 0; n < 25; n++ {
		want := make([]string, n)
		f := url.Values{}
		for i := range want {
			want[i] = "v&=" + strconv.Itoa(i*7)
			f.Set("L.member."+strconv.Itoa(i+1), want[i])
		}
		got, err := FormList(mustForm(t, f.Encode()), "L")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("n=%d: got %q, want %q", n, got, want)
		}
	}
}

func FuzzForm(f *testing.F) {
	f.Add("Action=TagUser&UserName=bob&Tags.member.1.Key=kmslab%3Arun&Tags.member.1.Value=abc")
	f.Add("PolicyArns.member.1=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess&PolicyArns.member.2=x")
	f.Add("ContextEntries.member.1.ContextKeyValues.member.1=a&ContextEntries.member.1.ContextKeyName=k")
	f.Add("A.entry.1.key=k&A.entry.1.value=v&A.entry.2.value=w")
	f.Add("L.member.0=a&L.member.99999999999=b&L.member.=c&L.member.1.=d")
	f.Add("%zz&Tags=")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := ParseForm("", []byte(raw))
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != 400 {
				t.Fatalf("ParseForm error %v is not a 400 api.Error", err)
			}
			return
		}
		for _, prefix := range []string{"L", "Tags", "PolicyArns", "ContextEntries", "A"} {
			list, err := FormList(form, prefix)
			if err == nil && len(list) > len(form) {
				t.Fatalf("FormList(%q) returned %d values from %d keys", prefix, len(list), len(form))
			}
			members, err := FormMembers(form, prefix)
			if err == nil {
				for _, m := range members {
					if len(m) == 0 {
						t.Fatalf("FormMembers(%q) returned an empty member", prefix)
					}
					if _, err := FormList(m, "ContextKeyValues"); err != nil {
						_ = err // nested malformed indices are reported, never a panic
					}
				}
			}
			if _, err := FormMap(form, prefix); err != nil {
				var ae *api.Error
				if !errors.As(err, &ae) || ae.Status != 400 {
					t.Fatalf("FormMap error %v is not a 400 api.Error", err)
				}
			}
		}
	})
}
