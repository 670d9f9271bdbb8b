package expr

import (
	"encoding/json"
	"errors"
	"testing"

	"kmslab/sim/dynamodb/attr"
)

// item decodes wire JSON, failing the test on error.
func item(t testing.TB, s string) attr.Item {
	t.Helper()
	it, err := attr.DecodeItem([]byte(s))
	if err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return it
}

func values(t testing.TB, s string) map[string]attr.Value {
	t.Helper()
	if s == "" {
		return nil
	}
	var m map[string]attr.Value
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("values %s: %v", s, err)
	}
	return m
}

func errMsg(err error) string {
	if err == nil {
		return ""
	}
	var ve *attr.ValidationError
	if !errors.As(err, &ve) {
		return "not a ValidationError: " + err.Error()
	}
	return ve.Message
}

// product is the ProductCatalog item of the DynamoDB developer guide's expression examples.
const product = `{
	"Id": {"N": "456"},
	"ProductCategory": {"S": "Sporting Goods"},
	"Price": {"N": "650"},
	"Color": {"SS": ["Red", "Black"]},
	"Pictures": {"M": {"FrontView": {"S": "http://example.com/products/456_front.jpg"}}},
	"ProductReviews": {"M": {
		"FiveStar": {"L": [{"S": "Excellent! Can't recommend it highly enough! Buy it!"}]},
		"OneStar": {"L": [{"S": "Terrible product! Do not buy this."}]}
	}},
	"RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]},
	"InStock": {"BOOL": true},
	"QuantityOnHand": {"NULL": true},
	"Comment": {"S": ""},
	"Sizes": {"NS": ["8", "10"]},
	"Bin": {"B": "aGVsbG8="}
}`

func TestConditionEval(t *testing.T) {
	it := item(t, product)
	tests := []struct {
		expr   string
		names  map[string]string
		values string
		want   bool
	}{
		{"Price > :limit", nil, `{":limit":{"N":"500"}}`, true},
		{"Price <= :limit", nil, `{":limit":{"N":"500"}}`, false},
		{"Price = :p", nil, `{":p":{"N":"650.00"}}`, true},
		{"Price <> :p", nil, `{":p":{"N":"650"}}`, false},
		{"Price between :lo and :hi", nil, `{":lo":{"N":"500"},":hi":{"N":"700"}}`, true},
		{"Price BETWEEN :lo AND :hi", nil, `{":lo":{"N":"651"},":hi":{"N":"700"}}`, false},
		{"ProductCategory IN (:cat1, :cat2)", nil, `{":cat1":{"S":"Sporting Goods"},":cat2":{"S":"Gardening Supplies"}}`, true},
		{"ProductCategory IN (:cat2)", nil, `{":cat2":{"S":"Gardening Supplies"}}`, false},
		{"attribute_not_exists(Price)", nil, "", false},
		{"attribute_not_exists(Manufacturer)", nil, "", true},
		{"attribute_exists(#pr.FiveStar)", map[string]string{"#pr": "ProductReviews"}, "", true},
		{"attribute_exists(#pr.ThreeStar)", map[string]string{"#pr": "ProductReviews"}, "", false},
		{"attribute_exists(ProductReviews.OneStar[0])", nil, "", true},
		{"attribute_exists(ProductReviews.OneStar[1])", nil, "", false},
		{"attribute_type(Color, :v_sub)", nil, `{":v_sub":{"S":"SS"}}`, true},
		{"attribute_type(Color, :v_sub)", nil, `{":v_sub":{"S":"L"}}`, false},
		{"begins_with(Pictures.FrontView, :v_sub)", nil, `{":v_sub":{"S":"http://"}}`, true},
		{"begins_with(Pictures.FrontView, :v_sub)", nil, `{":v_sub":{"S":"ftp://"}}`, false},
		{"begins_with(Bin, :b)", nil, `{":b":{"B":"aGU="}}`, true},
		{"contains(Color, :v_sub)", nil, `{":v_sub":{"S":"Red"}}`, true},
		{"contains(Color, :v_sub)", nil, `{":v_sub":{"S":"Blue"}}`, false},
		{"contains(ProductCategory, :s)", nil, `{":s":{"S":"Goods"}}`, true},
		{"contains(RelatedItems, :n)", nil, `{":n":{"N":"472"}}`, true},
		{"contains(Sizes, :n)", nil, `{":n":{"N":"10.0"}}`, true},
		{"size(VideoClip) > :v_sub", nil, `{":v_sub":{"N":"64000"}}`, false},
		{"size(Color) = :two", nil, `{":two":{"N":"2"}}`, true},
		{"size(ProductCategory) = :n", nil, `{":n":{"N":"14"}}`, true},
		{"size(RelatedItems) >= :n", nil, `{":n":{"N":"3"}}`, true},
		{"size(Price) = :n", nil, `{":n":{"N":"3"}}`, false},
		{"Price > :s", nil, `{":s":{"S":"1"}}`, false},
		{"Absent <> :s", nil, `{":s":{"S":"x"}}`, true},
		{"Absent = :s", nil, `{":s":{"S":"x"}}`, false},
		{"Absent < :s", nil, `{":s":{"S":"x"}}`, false},
		{"#c = :e", map[string]string{"#c": "Comment"}, `{":e":{"S":""}}`, true},
		{"InStock = :t AND QuantityOnHand = :null", nil, `{":t":{"BOOL":true},":null":{"NULL":true}}`, true},
		{"Price < :a OR Price > :b AND ProductCategory = :c", nil, `{":a":{"N":"1"},":b":{"N":"1"},":c":{"S":"x"}}`, false},
		{"(Price < :a OR Price > :b) AND ProductCategory = :c", nil, `{":a":{"N":"1"},":b":{"N":"1"},":c":{"S":"x"}}`, false},
		{"Price < :a OR Price > :b AND ProductCategory <> :c", nil, `{":a":{"N":"1"},":b":{"N":"1"},":c":{"S":"x"}}`, true},
		{"NOT Price < :a AND NOT attribute_exists(Nope)", nil, `{":a":{"N":"1"}}`, true},
		{"not (Price > :a or Price < :a)", nil, `{":a":{"N":"650"}}`, true},
		{"Pictures = :m", nil, `{":m":{"M":{"FrontView":{"S":"http://example.com/products/456_front.jpg"}}}}`, true},
		{"Color = :ss", nil, `{":ss":{"SS":["Black","Red"]}}`, true},
		{"#n = :v", map[string]string{"#n": "Price"}, `{":v":{"N":"650"}}`, true},
		{"RelatedItems[1] = :v", nil, `{":v":{"N":"472"}}`, true},
		{"Price = Price", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			sc := NewScope(tt.names, values(t, tt.values))
			c, err := ParseCondition(KindCondition, tt.expr, sc)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := sc.CheckUnused(); err != nil {
				t.Fatalf("unused: %v", err)
			}
			if got := c.Eval(it); got != tt.want {
				t.Fatalf("Eval = %v, want %v", got, tt.want)
			}
		})
	}
	// A missing item (PutItem of a new key): only attribute_not_exists holds.
	c, err := ParseCondition(KindCondition, "attribute_not_exists(Id)", nil)
	if err != nil || !c.Eval(nil) {
		t.Fatalf("attribute_not_exists on missing item: %v", err)
	}
}

func TestConditionErrors(t *testing.T) {
	tests := []struct {
		kind   Kind
		expr   string
		names  map[string]string
		values string
		msg    string
	}{
		{KindCondition, "Price = = :v", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"`},
		{KindCondition, "Price >", nil, "", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ">"`},
		{KindFilter, "a = :v extra", nil, `{":v":{"N":"1"}}`, `Invalid FilterExpression: Syntax error; token: "extra", near: ":v extra"`},
		{KindCondition, "a$ = :v", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Syntax error; token: "$", near: "a$ ="`},
		{KindCondition, "user-id = :v", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: user`},
		{KindCondition, "name = :v", nil, `{":v":{"S":"x"}}`, `Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name`},
		{KindFilter, "Status = :v", nil, `{":v":{"S":"x"}}`, `Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Status`},
		{KindCondition, "a.data = :v", nil, `{":v":{"S":"x"}}`, `Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: data`},
		{KindCondition, "a = :x", nil, `{":v":{"S":"x"}}`, `Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x`},
		{KindCondition, "#a = :v", nil, `{":v":{"S":"x"}}`, `Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a`},
		{KindCondition, "foo(a)", nil, "", `Invalid ConditionExpression: Invalid function name; function: foo`},
		{KindCondition, "ATTRIBUTE_EXISTS(a)", nil, "", `Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS`},
		{KindCondition, "begins_with(a)", nil, "", `Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1`},
		{KindCondition, "begins_with(a, :n)", nil, `{":n":{"N":"1"}}`, `Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N`},
		{KindCondition, "attribute_exists(:v)", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists`},
		{KindCondition, "attribute_type(a, :t)", nil, `{":t":{"S":"STRING"}}`, `Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }`},
		{KindCondition, "a < :m", nil, `{":m":{"BOOL":true}}`, `Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL`},
		{KindCondition, "a BETWEEN :hi AND :lo", nil, `{":lo":{"N":"1"},":hi":{"N":"5"}}`, `Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}`},
		{KindCondition, "size(a)", nil, "", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ")"`},
		{KindCondition, "attribute_exists(a) = :v", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Syntax error; token: "=", near: ") = :v"`},
		{KindCondition, "a = if_not_exists(a, :v)", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists`},
		{KindCondition, "", nil, "", `Invalid ConditionExpression: The expression can not be empty;`},
		{KindCondition, "(a = :v", nil, `{":v":{"N":"1"}}`, `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseCondition(tt.kind, tt.expr, NewScope(tt.names, values(t, tt.values)))
			if got := errMsg(err); got != tt.msg {
				t.Fatalf("got  %q\nwant %q", got, tt.msg)
			}
		})
	}
}

func TestUnused(t *testing.T) {
	tests := []struct {
		expr   string
		names  map[string]string
		values string
		msg    string
	}{
		{"a = :v", nil, `{":v":{"N":"1"},":x":{"N":"2"}}`, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"},
		{"a = :v", nil, `{":v":{"N":"1"},":y":{"N":"2"},":x":{"N":"2"}}`, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x, :y}"},
		{"a = :v", map[string]string{"#n": "n"}, `{":v":{"N":"1"}}`, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"},
		{"#n = :v", map[string]string{"#n": "n"}, `{":v":{"N":"1"}}`, ""},
	}
	for _, tt := range tests {
		sc := NewScope(tt.names, values(t, tt.values))
		if _, err := ParseCondition(KindCondition, tt.expr, sc); err != nil {
			t.Fatal(err)
		}
		if got := errMsg(sc.CheckUnused()); got != tt.msg {
			t.Errorf("%s: got %q want %q", tt.expr, got, tt.msg)
		}
	}
	// One scope across the expressions of a request.
	sc := NewScope(map[string]string{"#p": "Price"}, values(t, `{":v":{"N":"1"},":c":{"N":"0"}}`))
	if _, err := ParseUpdate("SET #p = :v", sc); err != nil {
		t.Fatal(err)
	}
	if err := sc.CheckUnused(); err == nil {
		t.Fatal(":c unused but accepted")
	}
	if _, err := ParseCondition(KindCondition, "#p > :c", sc); err != nil {
		t.Fatal(err)
	}
	if err := sc.CheckUnused(); err != nil {
		t.Fatal(err)
	}
}

func TestKeywordsCaseInsensitive(t *testing.T) {
	sc := NewScope(nil, values(t, `{":a":{"N":"1"},":b":{"N":"9"}}`))
	c, err := ParseCondition(KindCondition, "x bEtWeEn :a AnD :b oR NoT attribute_exists(y)", sc)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Eval(attr.Item{"x": attr.Int(5), "y": attr.Int(1)}) {
		t.Fatal("eval")
	}
	if _, err := ParseUpdate("set a = :a remove b", NewScope(nil, values(t, `{":a":{"N":"1"}}`))); err != nil {
		t.Fatal(err)
	}
}

func TestProjection(t *testing.T) {
	it := item(t, product)
	tests := []struct {
		expr  string
		names map[string]string
		want  string
	}{
		{"Price, Color", nil, `{"Color":{"SS":["Red","Black"]},"Price":{"N":"650"}}`},
		{"Pictures.FrontView", nil, `{"Pictures":{"M":{"FrontView":{"S":"http://example.com/products/456_front.jpg"}}}}`},
		{"RelatedItems[2], RelatedItems[0]", nil, `{"RelatedItems":{"L":[{"N":"341"},{"N":"649"}]}}`},
		{"#pr.OneStar[0], Nope, Pictures.Side", map[string]string{"#pr": "ProductReviews"}, `{"ProductReviews":{"M":{"OneStar":{"L":[{"S":"Terrible product! Do not buy this."}]}}}}`},
		{"RelatedItems[9]", nil, `{}`},
		{"Price.x", nil, `{}`},
	}
	for _, tt := range tests {
		sc := NewScope(tt.names, nil)
		p, err := ParseProjection(tt.expr, sc)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		got, _ := json.Marshal(p.Apply(it))
		if string(got) != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.expr, got, tt.want)
		}
	}
	errs := []struct{ expr, msg string }{
		{"a, a.b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"a[0].b, a[0]", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [0], b], path two: [a, [0]]"},
		{"a,", `Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","`},
		{"a[x]", `Invalid ProjectionExpression: Syntax error; token: "x", near: "[x]"`},
		{"a, timestamp", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: timestamp"},
		{"a = b", `Invalid ProjectionExpression: Syntax error; token: "=", near: "a = b"`},
	}
	for _, tt := range errs {
		_, err := ParseProjection(tt.expr, nil)
		if got := errMsg(err); got != tt.msg {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.expr, got, tt.msg)
		}
	}
}

func TestUpdateApply(t *testing.T) {
	tests := []struct {
		name   string
		item   string
		expr   string
		names  map[string]string
		values string
		want   string
	}{
		{"set two attributes", `{"Id":{"N":"789"}}`, "SET ProductCategory = :c, Price = :p", nil,
			`{":c":{"S":"Hardware"},":p":{"N":"60"}}`,
			`{"Id":{"N":"789"},"Price":{"N":"60"},"ProductCategory":{"S":"Hardware"}}`},
		{"decrement price", `{"Id":{"N":"789"},"Price":{"N":"52"}}`, "SET Price = Price - :p", nil,
			`{":p":{"N":"15"}}`, `{"Id":{"N":"789"},"Price":{"N":"37"}}`},
		{"increment with decimals", `{"Price":{"N":"0.1"}}`, "SET Price = :p + Price", nil,
			`{":p":{"N":"0.2"}}`, `{"Price":{"N":"0.3"}}`},
		{"list_append", `{"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"a"}]}}}}`, "SET #pr.FiveStar = list_append(#pr.FiveStar, :r)",
			map[string]string{"#pr": "ProductReviews"}, `{":r":{"L":[{"S":"b"}]}}`,
			`{"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"a"},{"S":"b"}]}}}}`},
		{"list_append prepend", `{"RelatedItems":{"L":[{"S":"x"}]}}`, "SET #ri = list_append(:vals, #ri)",
			map[string]string{"#ri": "RelatedItems"}, `{":vals":{"L":[{"S":"w"}]}}`,
			`{"RelatedItems":{"L":[{"S":"w"},{"S":"x"}]}}`},
		{"set list element", `{"RelatedItems":{"L":[{"S":"a"},{"S":"b"}]}}`, "SET RelatedItems[1] = :ri", nil,
			`{":ri":{"S":"z"}}`, `{"RelatedItems":{"L":[{"S":"a"},{"S":"z"}]}}`},
		{"set past end appends", `{"RelatedItems":{"L":[{"S":"a"}]}}`, "SET RelatedItems[7] = :ri", nil,
			`{":ri":{"S":"z"}}`, `{"RelatedItems":{"L":[{"S":"a"},{"S":"z"}]}}`},
		{"nested map set", `{"Pictures":{"M":{}}}`, "SET Pictures.RearView = :u", nil,
			`{":u":{"S":"r.jpg"}}`, `{"Pictures":{"M":{"RearView":{"S":"r.jpg"}}}}`},
		{"if_not_exists keeps", `{"Price":{"N":"100"}}`, "SET Price = if_not_exists(Price, :p)", nil,
			`{":p":{"N":"1"}}`, `{"Price":{"N":"100"}}`},
		{"if_not_exists sets", `{}`, "SET Price = if_not_exists(Price, :p)", nil,
			`{":p":{"N":"1"}}`, `{"Price":{"N":"1"}}`},
		{"counter from nothing", `{}`, "SET n = if_not_exists(n, :zero) + :one", nil,
			`{":zero":{"N":"0"},":one":{"N":"1"}}`, `{"n":{"N":"1"}}`},
		{"remove attributes", `{"Id":{"N":"1"},"Brand":{"S":"b"},"InStock":{"BOOL":true},"QuantityOnHand":{"N":"3"}}`,
			"REMOVE Brand, InStock, QuantityOnHand", nil, "", `{"Id":{"N":"1"}}`},
		{"remove list elements", `{"RelatedItems":{"L":[{"S":"a"},{"S":"b"},{"S":"c"},{"S":"d"}]}}`,
			"REMOVE RelatedItems[1], RelatedItems[2]", nil, "", `{"RelatedItems":{"L":[{"S":"a"},{"S":"d"}]}}`},
		{"remove nested", `{"ProductReviews":{"M":{"OneStar":{"L":[]},"FiveStar":{"L":[]}}}}`,
			"REMOVE ProductReviews.OneStar", nil, "", `{"ProductReviews":{"M":{"FiveStar":{"L":[]}}}}`},
		{"remove missing is a no-op", `{"a":{"N":"1"}}`, "REMOVE b, c.d", nil, "", `{"a":{"N":"1"}}`},
		{"add number", `{"QuantityOnHand":{"N":"5"}}`, "ADD QuantityOnHand :q", nil,
			`{":q":{"N":"-2"}}`, `{"QuantityOnHand":{"N":"3"}}`},
		{"add number to missing", `{}`, "ADD QuantityOnHand :q", nil,
			`{":q":{"N":"5"}}`, `{"QuantityOnHand":{"N":"5"}}`},
		{"add to string set", `{"Color":{"SS":["Red"]}}`, "ADD Color :c", nil,
			`{":c":{"SS":["Orange","Red","Purple"]}}`, `{"Color":{"SS":["Red","Orange","Purple"]}}`},
		{"add to number set", `{"Sizes":{"NS":["8"]}}`, "ADD Sizes :s", nil,
			`{":s":{"NS":["10","8.0"]}}`, `{"Sizes":{"NS":["8","10"]}}`},
		{"delete from set", `{"Color":{"SS":["Red","Yellow","Purple"]}}`, "DELETE Color :p", nil,
			`{":p":{"SS":["Yellow","Purple"]}}`, `{"Color":{"SS":["Red"]}}`},
		{"delete last member removes", `{"Color":{"SS":["Red"]}}`, "DELETE Color :p", nil,
			`{":p":{"SS":["Red"]}}`, `{}`},
		{"all sections", `{"a":{"N":"1"},"b":{"S":"x"},"s":{"SS":["q"]}}`, "REMOVE b SET a = a + :one ADD n :one DELETE s :q", nil,
			`{":one":{"N":"1"},":q":{"SS":["q"]}}`, `{"a":{"N":"2"},"n":{"N":"1"}}`},
		{"swap reads old values", `{"a":{"S":"1"},"b":{"S":"2"}}`, "SET a = b, b = a", nil, "",
			`{"a":{"S":"2"},"b":{"S":"1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := item(t, tt.item)
			snapshot, _ := json.Marshal(before)
			sc := NewScope(tt.names, values(t, tt.values))
			u, err := ParseUpdate(tt.expr, sc)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := sc.CheckUnused(); err != nil {
				t.Fatalf("unused: %v", err)
			}
			got, err := u.Apply(before)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			want := item(t, tt.want)
			if !got.Equal(want) {
				g, _ := json.Marshal(got)
				t.Fatalf("got  %s\nwant %s", g, tt.want)
			}
			if after, _ := json.Marshal(before); string(after) != string(snapshot) {
				t.Fatal("Apply modified its input")
			}
		})
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name, item, expr, values, msg string
	}{
		{"arith on string", `{"a":{"S":"x"}}`, "SET a = a + :n", `{":n":{"N":"1"}}`, MsgBadOperandType},
		{"arith static type", `{}`, "SET a = a + :s", `{":s":{"S":"1"}}`, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"arith missing", `{}`, "SET a = a + :n", `{":n":{"N":"1"}}`, MsgMissingAttribute},
		{"add to string", `{"a":{"S":"x"}}`, "ADD a :n", `{":n":{"N":"1"}}`, MsgBadOperandType},
		{"add set to number", `{"a":{"N":"1"}}`, "ADD a :s", `{":s":{"SS":["x"]}}`, MsgBadOperandType},
		{"add string", `{}`, "ADD a :s", `{":s":{"S":"x"}}`, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ADD, operand type: S"},
		{"delete number", `{}`, "DELETE a :n", `{":n":{"N":"1"}}`, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: DELETE, operand type: N"},
		{"delete wrong set type", `{"a":{"NS":["1"]}}`, "DELETE a :s", `{":s":{"SS":["x"]}}`, MsgBadOperandType},
		{"list_append on string", `{"a":{"S":"x"}}`, "SET a = list_append(a, :l)", `{":l":{"L":[]}}`, MsgBadOperandType},
		{"list_append static", `{}`, "SET a = list_append(a, :s)", `{":s":{"S":"x"}}`, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"nested parent missing", `{}`, "SET a.b = :s", `{":s":{"S":"x"}}`, MsgInvalidPath},
		{"index into map", `{"a":{"M":{}}}`, "SET a[0] = :s", `{":s":{"S":"x"}}`, MsgInvalidPath},
		{"overlap", `{}`, "SET a = :s REMOVE a.b", `{":s":{"S":"x"}}`, "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"section twice", `{}`, "SET a = :s SET b = :s", `{":s":{"S":"x"}}`, `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"syntax", `{}`, "SET a :s", `{":s":{"S":"x"}}`, `Invalid UpdateExpression: Syntax error; token: ":s", near: "a :s"`},
		{"bad section", `{}`, "UPDATE a = :s", `{":s":{"S":"x"}}`, `Invalid UpdateExpression: Syntax error; token: "UPDATE", near: "UPDATE a"`},
		{"reserved", `{}`, "SET count = :s", `{":s":{"S":"x"}}`, "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: count"},
		{"undefined value", `{}`, "SET a = :x", `{":s":{"S":"x"}}`, "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
		{"size in update", `{}`, "SET a = size(b)", ``, "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
		{"unknown function", `{}`, "SET a = foo(b)", ``, "Invalid UpdateExpression: Invalid function name; function: foo"},
		{"if_not_exists arity", `{}`, "SET a = if_not_exists(a)", ``, "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"overflow", `{"a":{"N":"9E+125"}}`, "SET a = a + :n", `{":n":{"N":"9E+125"}}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseUpdate(tt.expr, NewScope(nil, values(t, tt.values)))
			if err == nil {
				_, err = u.Apply(item(t, tt.item))
			}
			if got := errMsg(err); got != tt.msg {
				t.Fatalf("got  %q\nwant %q", got, tt.msg)
			}
		})
	}
}

func TestUpdateCheckKeys(t *testing.T) {
	u, err := ParseUpdate("SET id = :v, extra = :v", NewScope(nil, values(t, `{":v":{"S":"x"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	want := "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"
	if got := errMsg(u.CheckKeys("id", "sk")); got != want {
		t.Fatalf("got %q", got)
	}
	if err := u.CheckKeys("pk"); err != nil {
		t.Fatal(err)
	}
	paths := u.Paths()
	if len(paths) != 2 || paths[1].String() != "extra" {
		t.Fatalf("Paths = %v", paths)
	}
}

func TestKeyCondition(t *testing.T) {
	schema := KeySchema{Hash: "pk", Range: "sk", HashType: attr.TypeS, RangeType: attr.TypeN}
	tests := []struct {
		expr   string
		names  map[string]string
		values string
		op     SortOp
		match  []int // sort keys 1..5 that match
	}{
		{"pk = :p", nil, `{":p":{"S":"a"}}`, "", []int{1, 2, 3, 4, 5}},
		{"pk = :p AND sk = :s", nil, `{":p":{"S":"a"},":s":{"N":"3"}}`, SortEQ, []int{3}},
		{"pk = :p and sk < :s", nil, `{":p":{"S":"a"},":s":{"N":"3"}}`, SortLT, []int{1, 2}},
		{"pk = :p AND sk <= :s", nil, `{":p":{"S":"a"},":s":{"N":"3"}}`, SortLE, []int{1, 2, 3}},
		{"pk = :p AND sk > :s", nil, `{":p":{"S":"a"},":s":{"N":"3"}}`, SortGT, []int{4, 5}},
		{"pk = :p AND :s <= sk", nil, `{":p":{"S":"a"},":s":{"N":"3"}}`, SortGE, []int{3, 4, 5}},
		{"#k = :p AND #s BETWEEN :lo AND :hi", map[string]string{"#k": "pk", "#s": "sk"}, `{":p":{"S":"a"},":lo":{"N":"2"},":hi":{"N":"4"}}`, SortBetween, []int{2, 3, 4}},
		{"(sk >= :s) AND (pk = :p)", nil, `{":p":{"S":"a"},":s":{"N":"5"}}`, SortGE, []int{5}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			sc := NewScope(tt.names, values(t, tt.values))
			kc, err := ParseKeyCondition(tt.expr, sc, schema)
			if err != nil {
				t.Fatal(err)
			}
			if err := sc.CheckUnused(); err != nil {
				t.Fatal(err)
			}
			if kc.Hash != "pk" || kc.HashValue.S != "a" || kc.Op != tt.op {
				t.Fatalf("parsed %+v", kc)
			}
			var got []int
			for i := 1; i <= 5; i++ {
				if kc.Match(attr.Item{"pk": attr.String("a"), "sk": attr.Int(int64(i))}) {
					got = append(got, i)
				}
			}
			if len(got) != len(tt.match) {
				t.Fatalf("matched %v want %v", got, tt.match)
			}
			for i := range got {
				if got[i] != tt.match[i] {
					t.Fatalf("matched %v want %v", got, tt.match)
				}
			}
			if kc.Match(attr.Item{"pk": attr.String("b"), "sk": attr.Int(3)}) {
				t.Fatal("other partition matched")
			}
		})
	}
	strSchema := KeySchema{Hash: "pk", Range: "sk"}
	kc, err := ParseKeyCondition("pk = :p AND begins_with(sk, :pre)", NewScope(nil, values(t, `{":p":{"S":"a"},":pre":{"S":"ORDER#"}}`)), strSchema)
	if err != nil {
		t.Fatal(err)
	}
	if kc.Op != SortBeginsWith || !kc.MatchSort(attr.String("ORDER#1")) || kc.MatchSort(attr.String("USER#1")) {
		t.Fatalf("begins_with: %+v", kc)
	}
}

func TestKeyConditionErrors(t *testing.T) {
	schema := KeySchema{Hash: "pk", Range: "sk", HashType: attr.TypeS, RangeType: attr.TypeN}
	v := `{":p":{"S":"a"},":s":{"N":"1"},":t":{"N":"2"}}`
	tests := []struct{ expr, values, msg string }{
		{"sk = :s", v, "Query condition missed key schema element: pk"},
		{"pk > :p", v, "Query key condition not supported"},
		{"pk = :p OR sk = :s", v, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"},
		{"pk = :p AND NOT sk = :s", v, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: NOT"},
		{"pk = :p AND sk IN (:s)", v, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: IN"},
		{"pk = :p AND sk <> :s", v, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: <>"},
		{"pk = :p AND attribute_exists(sk)", v, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"pk = :p AND extra = :s", v, "Query condition missed key schema element: sk"},
		{"pk = :p AND sk = :s AND sk = :t", v, "Conditions can be of length 1 or 2 only"},
		{"pk = :p AND pk = :p", v, "KeyConditionExpressions must only contain one condition per key"},
		{"pk = :s", v, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"pk = sk", v, "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"pk = :e", `{":e":{"S":""}}`, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"pk = :p AND sk BETWEEN :t AND :s", v, "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"},
		{"pk = :p AND begins_with(sk, :s)", v, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"pk = :p AND", v, `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseKeyCondition(tt.expr, NewScope(nil, values(t, tt.values)), schema)
			if got := errMsg(err); got != tt.msg {
				t.Fatalf("got  %q\nwant %q", got, tt.msg)
			}
		})
	}
}

func TestReserved(t *testing.T) {
	for _, w := range []string{"name", "data", "status", "value", "values", "date", "time", "timestamp", "count",
		"size", "key", "keys", "table", "user", "comment", "year", "type", "order", "group", "by", "index", "from", "to", "Name"} {
		if !IsReserved(w) {
			t.Errorf("%s not reserved", w)
		}
	}
	for _, w := range []string{"Price", "ProductCategory", "pk", "email"} {
		if IsReserved(w) {
			t.Errorf("%s reserved", w)
		}
	}
}

func TestNilScopeAndPathString(t *testing.T) {
	p, err := ParseProjection("a.b[3].c, d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Paths[0].String(); got != "a.b[3].c" {
		t.Fatalf("String = %q", got)
	}
	if err := (*Scope)(nil).CheckUnused(); err != nil {
		t.Fatal(err)
	}
	_, err = ParseCondition(KindCondition, "a = :v", nil)
	if got := errMsg(err); got != "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v" {
		t.Fatalf("got %q", got)
	}
}
