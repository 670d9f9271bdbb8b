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
		{"a json value on its own line, whole", put, 60, []string{
			"aws dynamodb put-item \\",
			"  --table-name kmslab-b0fjrg \\",
			"  --item \\",
			`'{"id":{"S":"1"},"name":{"S":"Ada Lovelace"},"note":{"S":"a -- b"},"balance":{"N":"1815"}}'`,
		}},
		{"a value breaks between words only", `AWS_ACCESS_KEY_ID="$K" AWS_SECRET_ACCESS_KEY="$S" AWS_SESSION_TOKEN= aws dynamodb scan --table-name t`, 40, []string{
			`AWS_ACCESS_KEY_ID="$K" \`,
			`    AWS_SECRET_ACCESS_KEY="$S" \`,
			`    AWS_SESSION_TOKEN= aws dynamodb \`,
			`    scan \`,
			`  --table-name t`,
		}},
		{"a trailing comment stays whole, last", "sleep 330   # the cached key expires --soon, after 5 minutes", 30, []string{
			`sleep \`,
			`    330 \`,
			`# the cached key expires --soon, after 5 minutes`,
		}},
		{"a quoted value stays whole", `jq --arg u "$U" '.Statement |= map(select(.Sid == "Allow use"))' p.json > q.json`, 40, []string{
			`jq \`,
			`  --arg \`,
			`      u "$U" \`,
			`'.Statement |= map(select(.Sid == "Allow use"))' \`,
			`      p.json > q.json`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Lines(tc.cmd, tc.w)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for _, l := range got {
				if ansi.StringWidth(l) > tc.w && len(shellWords(strings.TrimSuffix(strings.TrimSpace(l), " \\"))) > 1 {
					t.Errorf("line %q is wider than %d", l, tc.w)
				}
			}
		})
	}
}

func TestVerbatim(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		want  []bool
	}{
		{"one line", []string{"aws kms list-keys"}, []bool{false}},
		{"continued", []string{"aws kms create-key \\", "  --description d"}, []bool{false, false}},
		{"quoted heredoc", []string{"cat > p.json <<'EOF'", "{", "  \"a\": 1", "}", "EOF"}, []bool{false, true, true, true, true}},
		{"expanding heredoc, then a command", []string{"cat > p.json <<EOF", "${X}", "EOF", "aws kms \\", "  list-keys"},
			[]bool{false, true, true, false, false}},
		{"tab-stripping heredoc", []string{"cat <<-END", "\tbody", "\tEND", "  next"}, []bool{false, true, true, false}},
		{"an indented terminator does not end it", []string{"cat <<EOF", "  EOF", "EOF"}, []bool{false, true, true}},
		{"here-string and quoted << are no heredoc", []string{`read -r A B <<< "$(aws sts get-caller-identity)" \`, `  && echo '<<EOF' \`, "  EOF"},
			[]bool{false, false, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Verbatim(tc.lines)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("line %d %q: verbatim %v, want %v", i, tc.lines[i], got[i], tc.want[i])
				}
			}
		})
	}
}
