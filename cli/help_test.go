package cli

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
)

var flagRE = regexp.MustCompile(`(?m)^\s+(?:-\w )?(--[a-z-]+)`)

// TestHelpListsOnlyMeaningfulFlags reads each command's --help as a person
// piping it would (the real binary, fang's layout): every command lists the
// flags it uses and no other, no line carries padding, and fang's
// capitalisation of a description's first word reads well.
func TestHelpListsOnlyMeaningfulFlags(t *testing.T) {
	bin := kmslabBinary(t)
	for _, tt := range []struct {
		args  []string
		flags []string
	}{
		{nil, []string{"--aws", "--endpoint-url", "--help", "--lab", "--profile", "--region", "--seed", "--state-dir", "--version"}},
		{[]string{"run"}, []string{"--aws", "--endpoint-url", "--experiments", "--help", "--json", "--lab", "--profile", "--region", "--seed", "--state-dir", "--yes"}},
		{[]string{"cleanup"}, []string{"--dry-run", "--endpoint-url", "--help", "--profile", "--region", "--run", "--state-dir", "--yes"}},
		{[]string{"serve"}, []string{"--account-id", "--addr", "--admin-access-key-id", "--admin-secret-access-key", "--allow-remote",
			"--audit-log", "--audit-max-events", "--data-dir", "--help", "--key-cache-ttl", "--realistic", "--region", "--repair", "--seed"}},
		{[]string{"version"}, []string{"--help"}},
	} {
		name := strings.Join(append([]string{"kmslab"}, tt.args...), " ")
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, append(tt.args, "--help")...)
			cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s --help: %v", name, err)
			}
			out := string(b)
			_, flagPart, ok := strings.Cut(out, "FLAGS")
			if !ok {
				t.Fatalf("no FLAGS section:\n%s", out)
			}
			var got []string
			for _, m := range flagRE.FindAllStringSubmatch(flagPart, -1) {
				got = append(got, m[1])
			}
			slices.Sort(got)
			if strings.Join(got, " ") != strings.Join(tt.flags, " ") {
				t.Errorf("flags\n got %v\nwant %v", got, tt.flags)
			}
			for i, line := range strings.Split(out, "\n") {
				if strings.TrimRight(line, " ") != line {
					t.Errorf("line %d padded with spaces: %q", i+1, line)
				}
			}
			for _, odd := range []string{"12-Digit", "Aws ", "Iam ", "Kms "} {
				if strings.Contains(out, odd) {
					t.Errorf("help reads %q:\n%s", odd, out)
				}
			}
		})
	}
}

// TestHelpFitsIn80Columns reads every command's --help as piped (where
// fang would use 120 columns): no line is wider than 80.
func TestHelpFitsIn80Columns(t *testing.T) {
	bin := kmslabBinary(t)
	root := newRoot()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sc := range c.Commands() {
			if !sc.Hidden && sc.Name() != "help" {
				walk(sc, append(slices.Clone(path), sc.Name()))
			}
		}
	}
	walk(root, nil)
	if len(paths) < 10 {
		t.Fatalf("only %d commands found: %v", len(paths), paths)
	}
	for _, args := range paths {
		name := strings.Join(append([]string{"kmslab"}, args...), " ")
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, append(args, "--help")...)
			cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s --help: %v", name, err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if w := ansi.StringWidth(line); w > 80 {
					t.Errorf("line %d is %d columns wide: %q", i+1, w, line)
				}
			}
		})
	}
}

// TestExampleCommentsStandAlone: fang squeezes the spaces that would align
// a trailing comment, so every example's comment sits on its own line above
// the command.
func TestExampleCommentsStandAlone(t *testing.T) {
	root := newRoot()
	for _, c := range append(root.Commands(), root) {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "#") && strings.Contains(line, " #") {
				t.Errorf("%s: example with a trailing comment: %q", c.Name(), line)
			}
		}
	}
}

func TestWrapAtSpaces(t *testing.T) {
	for _, tt := range []struct {
		in    string
		width int
		want  []string
	}{
		{"AWS could not be reached: check --endpoint-url, then try again.", 30,
			[]string{"AWS could not be reached:", "check --endpoint-url, then try", "again."}},
		{"lacks 2 permissions:\n  kms:CreateKey\n  iam:CreateUser\nUse a role that has them.", 40,
			[]string{"lacks 2 permissions:", "  kms:CreateKey", "  iam:CreateUser", "Use a role that has them."}},
		{"a-very-long-word-that-does-not-fit here", 10, []string{"a-very-long-word-that-does-not-fit", "here"}},
	} {
		if got := wrapAtSpaces(tt.in, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("wrapAtSpaces(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"could not check your permissions (x); nothing was created": "Could not check your permissions (x); nothing was created.",
		"AWS could not be reached: try again.":                      "AWS could not be reached: try again.",
		"No usable AWS credentials were found..":                    "No usable AWS credentials were found.",
		"unknown flag: --bogus":                                     "Unknown flag: --bogus.",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
