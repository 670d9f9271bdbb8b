package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestShellLines(t *testing.T) {
	const sim = `aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:user/kmslab-user-b0fjrg --action-names kms:Decrypt --resource-policy "$(aws kms get-key-policy --key-id alias/kmslab-b0fjrg --policy-name default --query Policy --output text)"`
	const put = `aws dynamodb put-item --table-name kmslab-b0fjrg --item '{"id":{"S":"1"},"name":{"S":"Ada Lovelace"},"note":{"S":"a -- b"},"balance":{"N":"1815"}}'`
	cases := []struct {
		name string
		cmd  string
		w    int
		want []string
	}{
		{"fits", "aws dynamodb scan --table-name t", 40, []string{"aws dynamodb scan --table-name t"}},
		{"options", "aws kms create-key --description d --tags Key=k,Value=v", 30,
			[]string{"aws kms create-key \\", "  --description d \\", "  --tags Key=k,Value=v"}},
		{"subshell breaks one level deeper", sim, 72, []string{
			"aws iam simulate-principal-policy \\",
			"  --policy-source-arn \\",
			"      arn:aws:iam::111122223333:user/kmslab-user-b0fjrg \\",
			"  --action-names kms:Decrypt \\",
			`  --resource-policy "$(aws kms get-key-policy \`,
			"      --key-id alias/kmslab-b0fjrg \\",
			"      --policy-name default \\",
			"      --query Policy \\",
			`      --output text)"`,
		}},
		{"quoted -- is not an option", put, 200, []string{put}},
		{"json value on its own lines", put, 60, []string{
			"aws dynamodb put-item \\",
			"  --table-name kmslab-b0fjrg \\",
			"  --item \\",
			`      '{"id":{"S":"1"},"name":{"S":"Ada Lovelace"},`,
			`      "note":{"S":"a -- b"},"balance":{"N":"1815"}}'`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := shellLines(tc.cmd, tc.w)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for _, l := range got {
				if ansi.StringWidth(l) > tc.w {
					t.Errorf("line %q is wider than %d", l, tc.w)
				}
			}
		})
	}
}

func TestCLIBlockComments(t *testing.T) {
	out := ansi.Strip(cliBlock(DefaultStyles(true, false), []string{"# with the test user's access key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY:"}, 40))
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		t.Fatalf("a long comment should wrap: %q", out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "# ") || ansi.StringWidth(l) > 40 {
			t.Errorf("comment line %q: every wrapped line must stay a comment within 40 columns", l)
		}
	}
}

func TestHangListItems(t *testing.T) {
	in := "Intro that wraps\nhere.\n\n• first item\nwraps here\n• second\n    1. nested\n    wraps too\n\nAfter."
	want := "Intro that wraps\nhere.\n\n• first item\n  wraps here\n• second\n    1. nested\n       wraps too\n\nAfter."
	if got := hangListItems(in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
