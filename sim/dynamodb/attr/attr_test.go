package attr

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func mustNum(t testing.TB, s string) Value {
	t.Helper()
	v, err := Number(s)
	if err != nil {
		t.Fatalf("Number(%q): %v", s, err)
	}
	return v
}

func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Value
	}{
		{"S", `{"S":"hello"}`, String("hello")},
		{"empty S", `{"S":""}`, String("")},
		{"N", `{"N":"42"}`, Int(42)},
		{"B", `{"B":"AAEC"}`, Binary([]byte{0, 1, 2})},
		{"SS", `{"SS":["a","b"]}`, StringSet("a", "b")},
		{"NS", `{"NS":["1","2.5"]}`, Value{Type: TypeNS, NS: []string{"1", "2.5"}}},
		{"BS", `{"BS":["AQ==","Ag=="]}`, BinarySet([]byte{1}, []byte{2})},
		{"M", `{"M":{"a":{"S":"x"},"b":{"BOOL":true}}}`, Map(map[string]Value{"a": String("x"), "b": Bool(true)})},
		{"L", `{"L":[{"N":"1"},{"NULL":true}]}`, List(Int(1), Null())},
		{"NULL", `{"NULL":true}`, Null()},
		{"BOOL false", `{"BOOL":false}`, Bool(false)},
		{"empty M", `{"M":{}}`, Map(nil)},
		{"empty L", `{"L":[]}`, List()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Value
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if !Equal(v, tt.want) {
				t.Fatalf("got %v, want %v", v, tt.want)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.in {
				t.Fatalf("re-encoded %s, want %s", out, tt.in)
			}
		})
	}
}

func TestNumberCanonical(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"01.50", "1.5", ""},
		{"-0", "0", ""},
		{"1e2", "100", ""},
		{"1.5E-3", "0.0015", ""},
		{"+7", "7", ""},
		{".5", "0.5", ""},
		{"5.", "5", ""},
		{"-120.00", "-120", ""},
		{"abc", "", msgNotNumber},
		{"", "", msgNotNumber},
		{"1e", "", msgNotNumber},
		{"1 ", "", msgNotNumber},
		{"0x10", "", msgNotNumber},
		{"1e126", "", msgOverflow},
		{"9.9999999999999999999999999999999999999E+125", "", ""},
		{"1e-131", "", msgUnderflow},
		{"1e-130", "", ""},
		{"123456789012345678901234567890123456789", "", msgPrecision},
		{"1e999999999999999999", "", msgOverflow},
	}
	for _, tt := range tests {
		got, err := CanonicalNumber(tt.in)
		if tt.err != "" {
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Message != tt.err {
				t.Errorf("%q: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	tests := []struct{ a, b, sum, diff string }{
		{"1", "2", "3", "-1"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"100", "-100", "0", "200"},
		{"1e10", "1e-10", "10000000000.0000000001", "9999999999.9999999999"},
	}
	for _, tt := range tests {
		if got, err := AddNumbers(tt.a, tt.b); err != nil || got != tt.sum {
			t.Errorf("%s+%s = %q, %v; want %s", tt.a, tt.b, got, err, tt.sum)
		}
		if got, err := SubNumbers(tt.a, tt.b); err != nil || got != tt.diff {
			t.Errorf("%s-%s = %q, %v; want %s", tt.a, tt.b, got, err, tt.diff)
		}
	}
	if _, err := AddNumbers("9.9999999999999999999999999999999999999E+125", "9E+125"); err == nil {
		t.Error("overflow not reported")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in, msg string
		serial  bool
	}{
		{`{}`, MsgEmptyValue, false},
		{`{"S":null}`, MsgEmptyValue, false},
		{`{"S":"a","N":"1"}`, MsgMultipleTypes, false},
		{`{"NS":[]}`, "One or more parameter values were invalid: An number set  may not be empty", false},
		{`{"SS":[]}`, "One or more parameter values were invalid: An string set  may not be empty", false},
		{`{"BS":[]}`, "One or more parameter values were invalid: Binary sets should not be empty", false},
		{`{"SS":["a","a"]}`, "One or more parameter values were invalid: Input collection [a, a] contains duplicates.", false},
		{`{"NS":["1","1.0"]}`, "One or more parameter values were invalid: Input collection [1, 1] contains duplicates.", false},
		{`{"N":"x"}`, msgNotNumber, false},
		{`{"NULL":false}`, "One or more parameter values were invalid: Null attribute value types must have the value of true", false},
		{`{"M":{"a":{}}}`, MsgEmptyValue, false},
		{`{"L":[{"S":"a","BOOL":true}]}`, MsgMultipleTypes, false},
		{`{"S":1}`, "", true},
		{`{"B":"!!"}`, "", true},
		{`[]`, "", true},
		{`{"BOOL":"true"}`, "", true},
	}
	for _, tt := range tests {
		var v Value
		err := json.Unmarshal([]byte(tt.in), &v)
		if tt.serial {
			if !errors.Is(err, ErrSerialization) {
				t.Errorf("%s: err %v, want serialization error", tt.in, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Message != tt.msg {
			t.Errorf("%s: err %v, want %q", tt.in, err, tt.msg)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	in := strings.Repeat(`{"L":[`, MaxDepth) + `{"S":"x"}` + strings.Repeat(`]}`, MaxDepth)
	var v Value
	if err := json.Unmarshal([]byte(in), &v); err == nil {
		t.Fatal("depth", MaxDepth+1, "accepted")
	}
	in = strings.Repeat(`{"L":[`, MaxDepth-1) + `{"S":"x"}` + strings.Repeat(`]}`, MaxDepth-1)
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
}

func TestItemJSON(t *testing.T) {
	in := `{"id":{"S":"1"},"n":{"N":"0010"},"tags":{"SS":["x"]}}`
	it, err := DecodeItem([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(it)
	if string(out) != `{"id":{"S":"1"},"n":{"N":"10"},"tags":{"SS":["x"]}}` {
		t.Fatalf("got %s", out)
	}
	if _, err := DecodeItem([]byte(`{"id":{}}`)); err == nil {
		t.Fatal("empty value accepted")
	}
	// Inside a request struct the per-value decoder runs too.
	var req struct{ Item Item }
	err = json.Unmarshal([]byte(`{"Item":{"a":{"NS":[]}}}`), &req)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want ValidationError", err)
	}
}

func TestCompare(t *testing.T) {
	ordered := []Value{mustNum(t, "-10"), mustNum(t, "-1.5"), mustNum(t, "0"), mustNum(t, "0.001"), mustNum(t, "2"), mustNum(t, "10"), mustNum(t, "1e20")}
	for i := range ordered {
		for j := range ordered {
			got := Compare(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("Compare(%v,%v)=%d want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	strs := []string{"b", "a", "B", "é", "ab", ""}
	vals := make([]Value, len(strs))
	for i, s := range strs {
		vals[i] = String(s)
	}
	sort.Slice(vals, func(i, j int) bool { return Compare(vals[i], vals[j]) < 0 })
	var got []string
	for _, v := range vals {
		got = append(got, v.S)
	}
	if strings.Join(got, ",") != ",B,a,ab,b,é" {
		t.Errorf("string order %v", got)
	}
	if Compare(Binary([]byte{0xff}), Binary([]byte{0x01, 0x02})) <= 0 {
		t.Error("binary compares signed")
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b Value
		want bool
	}{
		{mustNum(t, "1"), Value{Type: TypeN, N: "1.0"}, true},
		{StringSet("a", "b"), StringSet("b", "a"), true},
		{StringSet("a", "b"), StringSet("a"), false},
		{Value{Type: TypeNS, NS: []string{"1", "2"}}, Value{Type: TypeNS, NS: []string{"2.0", "1"}}, true},
		{List(String("a"), String("b")), List(String("b"), String("a")), false},
		{Map(map[string]Value{"x": Int(1)}), Map(map[string]Value{"x": Int(1)}), true},
		{Map(map[string]Value{"x": Int(1)}), Map(map[string]Value{"y": Int(1)}), false},
		{String("1"), Int(1), false},
		{Binary(nil), Binary([]byte{}), true},
		{Null(), Null(), true},
		{Bool(true), Bool(false), false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%v,%v)=%v", tt.a, tt.b, got)
		}
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		v    Value
		want int
	}{
		{String("abc"), 3},
		{String("é"), 2},
		{mustNum(t, "12345"), 4},
		{mustNum(t, "1"), 2},
		{mustNum(t, "0"), 1},
		{Binary([]byte{1, 2}), 2},
		{Null(), 1},
		{Bool(true), 1},
		{StringSet("ab", "c"), 3},
		{List(String("ab"), Bool(true)), 3 + 3 + 2},
		{Map(map[string]Value{"k": String("vv")}), 3 + 1 + 2 + 1},
		{Map(nil), 3},
	}
	for _, tt := range tests {
		if got := tt.v.Size(); got != tt.want {
			t.Errorf("Size(%v)=%d want %d", tt.v, got, tt.want)
		}
	}
	it := Item{"id": String("x"), "big": String(strings.Repeat("a", MaxItemSize))}
	if err := it.CheckSize(); err == nil || err.Error() != MsgItemTooLarge {
		t.Errorf("CheckSize = %v", err)
	}
	if (Item{"id": String("x")}).Size() != 3 {
		t.Error("item size")
	}
}

func TestCheckKey(t *testing.T) {
	tests := []struct {
		v    Value
		want Type
		msg  string
	}{
		{String("a"), TypeS, ""},
		{Int(1), TypeS, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"},
		{String(""), TypeS, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"},
		{String(strings.Repeat("x", 2049)), TypeS, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
	}
	for _, tt := range tests {
		err := CheckKey("id", tt.v, tt.want, false)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.msg {
			t.Errorf("CheckKey(%v) = %q want %q", tt.v, got, tt.msg)
		}
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	it := Item{
		"id":   String("k"),
		"n":    mustNum(t, "-1.25"),
		"b":    Binary([]byte{0, 255}),
		"ss":   StringSet("x", "y"),
		"ns":   Value{Type: TypeNS, NS: []string{"1", "2"}},
		"bs":   BinarySet([]byte("a")),
		"m":    Map(map[string]Value{"z": List(Null(), Bool(true), Bool(false))}),
		"null": Null(),
	}
	data, err := it.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Item
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(it) {
		t.Fatalf("round trip: %v", got)
	}
	again, _ := got.MarshalBinary()
	if string(again) != string(data) {
		t.Fatal("encoding not deterministic")
	}
	for i := range data {
		var x Item
		_ = x.UnmarshalBinary(data[:i]) // must not panic
	}
	if string(KeyBytes(Value{Type: TypeN, N: "1.0"})) != string(KeyBytes(Int(1))) {
		t.Error("KeyBytes differs for equal numbers")
	}
	if string(KeyBytes(String("1"))) == string(KeyBytes(Int(1))) {
		t.Error("KeyBytes ignores type")
	}
}

func TestSets(t *testing.T) {
	u, ok := SetUnion(StringSet("a", "b"), StringSet("b", "c"))
	if !ok || !Equal(u, StringSet("a", "b", "c")) {
		t.Errorf("union %v", u)
	}
	d, ok := SetDifference(Value{Type: TypeNS, NS: []string{"1", "2"}}, Value{Type: TypeNS, NS: []string{"2.0"}})
	if !ok || !Equal(d, Value{Type: TypeNS, NS: []string{"1"}}) {
		t.Errorf("difference %v", d)
	}
	if _, ok := SetUnion(StringSet("a"), Value{Type: TypeNS, NS: []string{"1"}}); ok {
		t.Error("union across types")
	}
}

func FuzzValueJSON(f *testing.F) {
	for _, s := range []string{
		`{"S":"x"}`, `{"N":"1.50"}`, `{"B":"AAE="}`, `{"SS":["a","b"]}`, `{"NS":["1","2"]}`,
		`{"BS":["AA=="]}`, `{"M":{"a":{"L":[{"NULL":true},{"BOOL":false}]}}}`, `{}`, `{"N":"1e126"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Value
		if err := json.Unmarshal(data, &v); err != nil {
			return
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("decoded value invalid: %v", err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var w Value
		if err := json.Unmarshal(out, &w); err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if !Equal(v, w) {
			t.Fatalf("round trip changed %s", out)
		}
		bin, _ := Item{"v": v}.MarshalBinary()
		var it Item
		if err := it.UnmarshalBinary(bin); err != nil || !Equal(it["v"], v) {
			t.Fatalf("binary round trip: %v", err)
		}
		_ = v.Size()
		_ = Compare(v, w)
	})
}

// FuzzFastDecode holds the fast decoder to the reference one: wherever the fast
// path succeeds, the reference must succeed with exactly the same item.
func FuzzFastDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":{"S":"x"},"n":{"N":"01.50"}}`, `{"a":{"B":"AAE="},"b":{"BS":["AA==",""]}}`,
		`{"a":{"SS":["a","b"]},"b":{"NS":["1","2"]}}`, `{"m":{"M":{"a":{"L":[{"NULL":true},{"BOOL":false}]}}}}`,
		`{"a":{"S":"x","N":null}}`, `{"a":{"S":"x","S":null}}`, `{"a":{"S":"x"},"a":{"N":"1"}}`,
		`{"a":{"M":{}}}`, `{"a":{"L":[]}}`, `{"a":{"SS":[]}}`, `{"a":{"X":1,"S":"y"}}`, `null`, `{"a":{"NULL":false}}`,
		`{"\u0061":{"\u0053":"\ud800"}}`, `{"a":{"N":"1e126"}} `, `{"a":{"S":"x"}} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if fast, ok := decodeItemFast(data); ok {
			raw, err := decodeAny(data)
			if err != nil {
				t.Fatalf("fast path decoded %q, reference refused it: %v", data, err)
			}
			obj, _ := raw.(map[string]any)
			ref := make(Item, len(obj))
			for k, r := range obj {
				if ref[k], err = fromAny(r, 1); err != nil {
					t.Fatalf("fast path decoded %q, reference refused it: %v", data, err)
				}
			}
			if !reflect.DeepEqual(fast, ref) {
				t.Fatalf("%q: fast path gives %#v, reference %#v", data, fast, ref)
			}
		}
		if fast, ok := decodeValueFast(data); ok {
			raw, err := decodeAny(data)
			if err != nil {
				t.Fatalf("fast path decoded value %q, reference refused it: %v", data, err)
			}
			ref, err := fromAny(raw, 1)
			if err != nil || !reflect.DeepEqual(fast, ref) {
				t.Fatalf("%q: fast path gives %#v, reference %#v (%v)", data, fast, ref, err)
			}
		}
	})
}

// TestFastDecodeTakesTheCommonCase makes sure the fast path is not silently
// giving up on the items every lab request carries.
func TestFastDecodeTakesTheCommonCase(t *testing.T) {
	for _, s := range []string{
		`{"id":{"S":"user-1"},"card":{"S":"4111"},"visits":{"N":"3"}}`,
		`{"m":{"M":{"a":{"L":[{"NULL":true},{"BOOL":false},{"SS":["a"]}]}}},"b":{"B":"AAE="}}`,
	} {
		if _, ok := decodeItemFast([]byte(s)); !ok {
			t.Errorf("fast path gave up on %s", s)
		}
	}
	for _, s := range []string{`{"a":{"S":"x"},"a":{"N":"1"}}`, `{"a":{"S":"x","S":null}}`, `{"a":{"NULL":false}}`, `null`} {
		if _, ok := decodeItemFast([]byte(s)); ok {
			t.Errorf("fast path decided %s, which is the reference decoder's to judge", s)
		}
	}
}
