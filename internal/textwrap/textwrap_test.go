package textwrap

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrap(t *testing.T) {
	const arn = "arn:aws:iam::111122223333:user/kmslab-user-demo01"
	cases := []struct {
		name, s     string
		w           int
		breakpoints string
		words, box  string
	}{
		{"fits", "a short line", 20, "", "a short line", "a short line"},
		{"at spaces", "one two three four", 9, "", "one two\nthree\nfour", "one two\nthree\nfour"},
		{"never at a hyphen", "region us-east-1 here", 12, "", "region\nus-east-1\nhere", "region\nus-east-1\nhere"},
		{"a long word: whole, or cut in a box", "user " + arn, 20, "",
			"user\n" + arn,
			"user\narn:aws:iam::1111222\n23333:user/kmslab-us\ner-demo01"},
		{"at a breakpoint", "user " + arn, 30, "/",
			"user\narn:aws:iam::111122223333:user/\nkmslab-user-demo01",
			"user\narn:aws:iam::111122223333:user\n/kmslab-user-demo01"},
		{"an action name fits: whole", "allows kms:Decrypt on the key", 14, "/:",
			"allows\nkms:Decrypt on\nthe key", "allows\nkms:Decrypt on\nthe key"},
		{"a date fits: whole", `{"Version":"2012-10-17","Statement":[]}`, 24, ":,",
			`{"Version":"2012-10-17",` + "\n" + `"Statement":[]}`, `{"Version":"2012-10-17",` + "\n" + `"Statement":[]}`},
		{"a host name fits: whole", "via dynamodb.us-east-1.amazonaws.com here", 34, "/:.",
			"via\ndynamodb.us-east-1.amazonaws.com\nhere", "via\ndynamodb.us-east-1.amazonaws.com\nhere"},
		{"an ARN that fits is never split", "names " + arn + ", not this caller", 52, "/:",
			"names\n" + arn + ",\nnot this caller", "names\n" + arn + ",\nnot this caller"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Words(tc.s, tc.w, tc.breakpoints); got != tc.words {
				t.Errorf("Words = %q, want %q", got, tc.words)
			}
			got := Box(tc.s, tc.w, tc.breakpoints)
			if got != tc.box {
				t.Errorf("Box = %q, want %q", got, tc.box)
			}
			for _, l := range strings.Split(got, "\n") {
				if strings.TrimSpace(l) == "," || ansi.StringWidth(l) > tc.w {
					t.Errorf("Box line %q: a lone comma or wider than %d", l, tc.w)
				}
			}
		})
	}
}
