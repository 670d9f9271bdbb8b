package policy

import "testing"

func TestConditions(t *testing.T) {
	ctx := Context{
		"aws:username":              {"alice"},
		"kms:ViaService":            {"dynamodb.us-east-1.amazonaws.com"},
		"kms:GrantIsForAWSResource": {"true"},
		"kms:EncryptionContext:aws:dynamodb:tableName": {"Orders"},
		"aws:TagKeys":            {"team", "env"},
		"aws:SourceArn":          {"arn:aws:dynamodb:us-east-1:111122223333:table/Orders"},
		"aws:MultiFactorAuthAge": {"300"},
		"aws:CurrentTime":        {"2024-05-01T12:00:00Z"},
		"aws:SourceIp":           {"10.1.2.3"},
		"aws:Empty":              {},
	}
	tests := []struct {
		op     string
		key    string
		values []string
		want   bool
	}{
		{"StringEquals", "kms:ViaService", []string{"dynamodb.us-east-1.amazonaws.com"}, true},
		{"StringEquals", "KMS:VIASERVICE", []string{"dynamodb.us-east-1.amazonaws.com"}, true},  // keys ignore case
		{"StringEquals", "kms:ViaService", []string{"DYNAMODB.us-east-1.amazonaws.com"}, false}, // values do not
		{"StringEquals", "kms:ViaService", []string{"s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"}, true},
		{"StringEquals", "kms:ViaService", []string{"dynamodb.*.amazonaws.com"}, false},
		{"StringEquals", "aws:missing", []string{"x"}, false},
		{"StringNotEquals", "aws:username", []string{"alice"}, false},
		{"StringNotEquals", "aws:username", []string{"bob"}, true},
		{"StringNotEquals", "aws:missing", []string{"x"}, true},
		{"StringEqualsIgnoreCase", "aws:username", []string{"ALICE"}, true},
		{"StringNotEqualsIgnoreCase", "aws:username", []string{"ALICE"}, false},
		{"StringLike", "kms:ViaService", []string{"dynamodb.*.amazonaws.com"}, true},
		{"StringLike", "kms:ViaService", []string{"s3.*"}, false},
		{"StringNotLike", "kms:ViaService", []string{"s3.*"}, true},
		{"StringNotLike", "aws:missing", []string{"*"}, true},
		{"StringEquals", "kms:EncryptionContext:aws:dynamodb:tableName", []string{"Orders"}, true},
		{"StringEquals", "aws:username", []string{"${aws:username}"}, true}, // variables in values
		{"StringEqualsIfExists", "aws:missing", []string{"x"}, true},
		{"StringEqualsIfExists", "aws:username", []string{"bob"}, false},
		{"StringEqualsIfExists", "aws:Empty", []string{"x"}, true}, // no values is no key
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:dynamodb:us-east-1:111122223333:table/Orders"}, true},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:dynamodb:*:111122223333:table/*"}, true},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:dynamodb:*:444455556666:table/*"}, false},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:*"}, false}, // a star stays within its ARN part
		{"ArnLike", "aws:username", []string{"*"}, false},          // not an ARN
		{"ArnNotLike", "aws:SourceArn", []string{"arn:aws:s3:::*"}, true},
		{"ArnNotEquals", "aws:SourceArn", []string{"arn:aws:dynamodb:us-east-1:111122223333:table/Orders"}, false},
		{"Bool", "kms:GrantIsForAWSResource", []string{"true"}, true},
		{"Bool", "kms:GrantIsForAWSResource", []string{"TRUE"}, true},
		{"Bool", "kms:GrantIsForAWSResource", []string{"false"}, false},
		{"Bool", "aws:missing", []string{"false"}, false},
		{"BoolIfExists", "aws:missing", []string{"false"}, true},
		{"Null", "aws:missing", []string{"true"}, true},
		{"Null", "aws:username", []string{"true"}, false},
		{"Null", "aws:username", []string{"false"}, true},
		{"Null", "aws:Empty", []string{"true"}, true},
		{"NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600"}, true},
		{"NumericLessThan", "aws:MultiFactorAuthAge", []string{"300"}, false},
		{"NumericLessThanEquals", "aws:MultiFactorAuthAge", []string{"300"}, true},
		{"NumericGreaterThan", "aws:MultiFactorAuthAge", []string{"299.5"}, true},
		{"NumericGreaterThanEquals", "aws:MultiFactorAuthAge", []string{"301"}, false},
		{"NumericEquals", "aws:MultiFactorAuthAge", []string{"300.0"}, true},
		{"NumericNotEquals", "aws:MultiFactorAuthAge", []string{"300"}, false},
		{"NumericEquals", "aws:username", []string{"1"}, false},
		{"DateGreaterThan", "aws:CurrentTime", []string{"2024-01-01T00:00:00Z"}, true},
		{"DateLessThan", "aws:CurrentTime", []string{"2024-01-01"}, false},
		{"DateLessThan", "aws:CurrentTime", []string{"1893456000"}, true}, // epoch seconds, 2030
		{"DateEquals", "aws:CurrentTime", []string{"2024-05-01T14:00:00+02:00"}, true},
		{"IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, true},
		{"IpAddress", "aws:SourceIp", []string{"192.168.0.0/16"}, false},
		{"NotIpAddress", "aws:SourceIp", []string{"192.168.0.0/16"}, true},
		{"BinaryEquals", "aws:username", []string{"YWxpY2U="}, false},
		// Set operators.
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, true},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"cost"}, false},
		{"ForAnyValue:StringEquals", "aws:missing", []string{"cost"}, false},
		{"ForAnyValue:StringEqualsIfExists", "aws:missing", []string{"cost"}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"team", "env", "cost"}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"team"}, false},
		{"ForAllValues:StringEquals", "aws:missing", []string{"team"}, true}, // the empty set
		{"ForAllValues:StringLike", "aws:TagKeys", []string{"t*", "e*"}, true},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}, true}, // env is not team
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team", "env"}, false},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", []string{"cost"}, true},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", []string{"env"}, false},
		{"StringEquals", "aws:TagKeys", []string{"env"}, true},     // any value of a multi-valued key
		{"StringNotEquals", "aws:TagKeys", []string{"env"}, false}, // ...and its negation
		{"foranyvalue:stringequals", "aws:TagKeys", []string{"env"}, true},
	}
	for _, tt := range tests {
		op, err := parseOperator(tt.op)
		if err != nil {
			t.Errorf("parseOperator(%q): %v", tt.op, err)
			continue
		}
		ectx := newEvalContext(Request{PrincipalARN: "arn:aws:iam::111122223333:user/alice", Context: ctx})
		if got := op.eval(tt.key, tt.values, ectx, true); got != tt.want {
			t.Errorf("%s %s %v = %v, want %v", tt.op, tt.key, tt.values, got, tt.want)
		}
	}
}

func TestParseOperatorNames(t *testing.T) {
	for name, want := range map[string]string{
		"StringEquals":                      "StringEquals",
		"stringequals":                      "StringEquals",
		"ForAnyValue:StringLikeIfExists":    "ForAnyValue:StringLikeIfExists",
		"ForAllValues:ArnNotEqualsIfExists": "ForAllValues:ArnNotEqualsIfExists",
		"NumericGreaterThanEqualsIfExists":  "NumericGreaterThanEqualsIfExists",
		"Null":                              "Null",
		"ForAnyValue:DateNotEquals":         "ForAnyValue:DateNotEquals",
	} {
		op, err := parseOperator(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if op.String() != want {
			t.Errorf("%s parsed as %s, want %s", name, op, want)
		}
	}
	for _, bad := range []string{"", "StringEqual", "ForSomeValues:StringEquals", "IfExists", "ForAnyValue:", "NullIfExists", "StringEqualsIfExistsIfExists"} {
		if _, err := parseOperator(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
