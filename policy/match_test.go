package policy

import (
	"strings"
	"testing"
)

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"abc", "ABC", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"*b*", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/1234", true},
		{"arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:444455556666:key/1234", false},
		{"??", "éé", true},
		{"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestActionMatches(t *testing.T) {
	tests := []struct {
		pat, action string
		want        bool
	}{
		{"*", "kms:Decrypt", true},
		{"kms:*", "kms:Decrypt", true},
		{"KMS:decrypt", "kms:Decrypt", true},
		{"kms:Decrypt", "kms:decrypt", true},
		{"kms:ReEncrypt*", "kms:ReEncryptFrom", true},
		{"kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true},
		{"kms:GenerateDataKey*", "kms:GenerateRandom", false},
		{"kms:Describe?ey", "kms:DescribeKey", true},
		{"km?:*", "kms:Decrypt", true},
		{"*:Get*", "dynamodb:GetItem", true},
		{"dynamodb:*", "kms:Decrypt", false},
		{"kms:Decrypt", "kms:DecryptX", false},
	}
	for _, tt := range tests {
		if got := actionMatches(tt.pat, tt.action); got != tt.want {
			t.Errorf("actionMatches(%q, %q) = %v, want %v", tt.pat, tt.action, got, tt.want)
		}
	}
}

func TestExpandVariables(t *testing.T) {
	ctx := newEvalContext(Request{
		PrincipalARN: "arn:aws:iam::111122223333:user/division/alice",
		Context:      Context{"aws:SourceVpc": {"vpc-1"}},
	})
	tests := []struct {
		in      string
		vars    bool
		subject string
		want    bool // subject matches the expanded pattern
		ok      bool
	}{
		{"arn:aws:iam::*:user/${aws:username}", true, "arn:aws:iam::1:user/alice", true, true},
		{"arn:aws:iam::*:user/${aws:username}", true, "arn:aws:iam::1:user/bob", false, true},
		{"arn:aws:iam::*:user/${AWS:UserName}", true, "arn:aws:iam::1:user/alice", true, true},
		{"${aws:PrincipalArn}", true, "arn:aws:iam::111122223333:user/division/alice", true, true},
		{"${aws:username}", false, "alice", false, true},          // 2008-10-17: literal text
		{"${aws:username}", false, "${aws:username}", true, true}, // ...which matches itself
		{"a${*}b", true, "a*b", true, true},
		{"a${*}b", true, "axb", false, true}, // ${*} is a literal star, not a wildcard
		{"a${?}b", true, "a?b", true, true},
		{"a${$}b", true, "a$b", true, true},
		{"${aws:userid}", true, "x", false, false},
		{"${aws:userid, 'nobody'}", true, "nobody", true, true},
		{"${aws:SourceVpc}-*", true, "vpc-1-x", true, true},
		{"unterminated ${aws:username", true, "unterminated ${aws:username", true, true},
	}
	for _, tt := range tests {
		p, ok := expand(tt.in, tt.vars, ctx)
		if ok != tt.ok {
			t.Errorf("expand(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if ok && p.match(tt.subject) != tt.want {
			t.Errorf("expand(%q) matching %q = %v, want %v", tt.in, tt.subject, !tt.want, tt.want)
		}
	}
}

// FuzzActionMatches holds the in-place ASCII matcher to the rune matcher it
// stands in for.
func FuzzActionMatches(f *testing.F) {
	for _, c := range [][2]string{{"kms:*", "kms:Decrypt"}, {"KMS:De?rypt", "kms:decrypt"}, {"*", ""}, {"kms:*crypt*", "kms:ReEncryptFrom"}, {"a*b*c", "aXbYbZc"}, {"dynamodb:Get*", "dynamodb:PutItem"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pat, action string) {
		if !isASCII(pat) || !isASCII(action) {
			return
		}
		want := plainPattern(strings.ToLower(pat)).match(strings.ToLower(action))
		if got := globFoldASCII(pat, action); got != want {
			t.Fatalf("globFoldASCII(%q, %q) = %v, the rune matcher says %v", pat, action, got, want)
		}
	})
}
