package shellfmt

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLines(t *testing.T) {
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
		{"a heredoc stays line for line", "cat > key-policy.json <<'EOF'\n{\n  \"Version\": \"2012-10-17\"\n}\nEOF", 30,
			[]string{"cat > key-policy.json <<'EOF'", "{", `  "Version": "2012-10-17"`, "}", "EOF"}},
		{"a long word moves left, whole", "aws iam get-user --user-arn arn:aws:iam::111122223333:user/kmslab-user-gtyghw", 50, []string{
			"aws iam get-user \\",
			"  --user-arn \\",
			"arn:aws:iam::111122223333:user/kmslab-user-gtyghw",
		}},
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
			got := Lines(tc.cmd, tc.w)
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
