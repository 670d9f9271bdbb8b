package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/steps"
)

// TestTranscriptPastesIntoBash: the commands `kmslab run` prints, pasted into
// bash without their "$ " prompts, do what the steps' own commands do. The
// AWS CLI is a stand-in that prints its arguments, so every call must arrive
// with the same arguments and every heredoc must write the same file; a
// heredoc whose body or terminator is indented, or a comment broken with a
// backslash, would differ.
func TestTranscriptPastesIntoBash(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	names := ledger.NewNames("paste1")
	var cmds [][]string
	for _, st := range steps.All() {
		if st.CLI != nil {
			cmds = append(cmds, st.CLI(names, awsops.Identity{}), st.CLI(names, rxID))
		}
	}
	for _, x := range steps.Experiments() {
		cmds = append(cmds, x.CLI(names, rxID))
	}
	for _, width := range []int{0, 60, 80, 200} {
		t.Run(fmt.Sprintf("width=%d", width), func(t *testing.T) {
			t.Parallel() // a few hundred bash start-ups in all
			for i, c := range cmds {
				var buf bytes.Buffer
				r := newReport(&buf, steps.KMS(), false, width)
				r.commands(c)
				pasted := unprompt(buf.String())
				want, wantFiles := runPasted(t, strings.Join(c, "\n")+"\n")
				got, gotFiles := runPasted(t, pasted)
				if got != want || gotFiles != wantFiles {
					t.Errorf("width %d, commands %d: pasted from the transcript, bash did\n%s%s\nwhere the commands themselves do\n%s%s\ntranscript:\n%s",
						width, i, got, gotFiles, want, wantFiles, buf.String())
				}
			}
		})
	}
}

// unprompt is what a person pastes: the transcript without the prompts.
func unprompt(transcript string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(transcript, "\n") {
		b.WriteString(strings.TrimPrefix(l, "$ "))
	}
	return b.String()
}

// runPasted feeds script to bash on standard input, with aws a function that
// prints its arguments, and returns what bash printed and the files written.
func runPasted(t *testing.T, script string) (out, files string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("bash")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "EDITOR=true", "VISUAL=true"}
	stubs := `aws() { printf 'aws'; printf ' [%s]' "$@"; printf '\n'; }` + "\n" + `sleep() { echo "sleep $*"; }` + "\n"
	cmd.Stdin = strings.NewReader(stubs + script + "echo __END__\n")
	b, _ := cmd.CombinedOutput()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fb strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fb.WriteString("== " + e.Name() + "\n" + string(data))
	}
	return string(b), fb.String()
}
