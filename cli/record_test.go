package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordCommand runs `kmslab record` as a presenter would, on a short
// tape of their own: it films kmslab itself (no other binary, no VHS), writes
// the Output and the Screenshot into the working directory, and says what it
// left to VHS. A tape it cannot honour is one sentence, naming the line.
func TestRecordCommand(t *testing.T) {
	t.Parallel()
	bin := kmslabBinary(t)
	dir := t.TempDir()
	tape := `Output out/talk.cast
Output talk.gif
Set Width 1000
Set FontSize 14
Set Padding 10
Set Height 500
Set WindowBar Colorful
Type "kmslab --seed 1"
Enter
Wait+Screen /Choose a lab with/
Screenshot out/welcome.svg
Sleep 1s
`
	if err := os.WriteFile(filepath.Join(dir, "talk.tape"), []byte(tape), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "record", "--fast", "talk.tape")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kmslab record: %v\n%s", err, out)
	}
	for _, want := range []string{"wrote    out/talk.cast", "wrote    out/welcome.svg", "skipped  talk.gif: video is VHS's", "skipped  Set WindowBar: kmslab record does not draw it (VHS does)", "recorded talk.tape: a 1.8s film"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, "out", "welcome.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "Choose a lab") {
		t.Errorf("the still does not show the welcome screen as text")
	}

	if err := os.WriteFile(filepath.Join(dir, "bad.tape"), []byte("Output talk.mp3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "record", "bad.tape")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "tape line 1: cannot write talk.mp3: kmslab record writes .cast (asciicast v2) and .svg") {
		t.Errorf("a tape asking for .mp3: err %v, output:\n%s", err, out)
	}
	if n := strings.Count(strings.TrimSpace(string(out)), "\n"); n != 0 {
		t.Errorf("the error takes %d lines:\n%s", n+1, out)
	}
}
