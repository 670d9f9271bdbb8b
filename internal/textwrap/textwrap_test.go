package textwrap

import "testing"

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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Words(tc.s, tc.w, tc.breakpoints); got != tc.words {
				t.Errorf("Words = %q, want %q", got, tc.words)
			}
			if got := Box(tc.s, tc.w, tc.breakpoints); got != tc.box {
				t.Errorf("Box = %q, want %q", got, tc.box)
			}
		})
	}
}
