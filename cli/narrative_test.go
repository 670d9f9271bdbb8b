package cli

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"kmslab/policy"
)

// TestRunStatesAWSDecisions runs every part and experiment offline, as text
// and as JSON, and checks that what is said about each probe (its trace told
// by policy.Narrate) states the decision the offline AWS returned, and that
// part 5 leads with the narrative, not the raw AWS message.
func TestRunStatesAWSDecisions(t *testing.T) {
	t.Parallel() // offline: no ledger, and the package has a state home of its own (TestMain)
	out, errOut, err := runSeeded(t, "run", "--experiments", "--seed", "1", "--json")
	if err != nil {
		t.Fatalf("run --json: %v\n%s", err, errOut)
	}
	probes, part5 := 0, false
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var rec struct {
			Part    int    `json:"part"`
			Summary string `json:"summary"`
			Trial   struct {
				Probes []struct {
					Call     string       `json:"call"`
					Decision string       `json:"decision"`
					Trace    *policy.Told `json:"trace"`
				} `json:"probes"`
			} `json:"trial"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		if rec.Part == 5 {
			part5 = true
			if !strings.Contains(rec.Summary, "was "+policy.WordImplicitDeny) {
				t.Errorf("part 5's summary is not the narrative's: %q", rec.Summary)
			}
		}
		for _, p := range rec.Trial.Probes {
			probes++
			if p.Trace == nil {
				t.Errorf("%s: no trace in the JSON", p.Call)
				continue
			}
			if !slices.Contains(policy.DecisionWords, p.Trace.Decision) || p.Trace.Allowed != (p.Decision == "allowed") ||
				!strings.Contains(p.Trace.Summary, " was "+p.Trace.Decision) {
				t.Errorf("%s: AWS answered %s, the JSON's trace says %+v", p.Call, p.Decision, *p.Trace)
			}
		}
	}
	if !part5 || probes < 10 {
		t.Fatalf("part 5 seen %v, %d probes with a trace: %s", part5, probes, out)
	}

	text, errOut, err := runSeeded(t, "run", "--experiments", "--seed", "1")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut)
	}
	lines := strings.Split(text, "\n")
	whys := 0
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "✓ allowed") && !strings.HasPrefix(l, "✗ denied") {
			continue
		}
		for _, next := range lines[i+1 : min(i+4, len(lines))] {
			next = strings.TrimSpace(next)
			if !strings.HasPrefix(next, "why: ") {
				continue
			}
			whys++
			allowed := strings.Contains(next, " was "+policy.WordAllowed)
			if allowed != strings.HasPrefix(l, "✓ allowed") {
				t.Errorf("%q explained as %q", l, next)
			}
			break
		}
	}
	if whys < 10 {
		t.Errorf("%d probes explained in the text report:\n%s", whys, text)
	}
	if i := strings.Index(text, "Denied, as the lab expects."); i < 0 || !strings.HasPrefix(text[i+len("Denied, as the lab expects. "):], "kmslab-user-") ||
		!strings.Contains(text[i:i+300], policy.WordImplicitDeny) {
		t.Errorf("part 5 does not lead with the narrative:\n%s", text[max(i, 0):min(max(i, 0)+400, len(text))])
	}
}

// TestGoldensStateDecisionsOnlyThroughNarrate checks every screen and report
// golden: no engine name and none of the hand-written verdicts the narrative
// replaced reach a person, and every "was <decision>" sentence uses one of
// policy.Narrate's phrases.
func TestGoldensStateDecisionsOnlyThroughNarrate(t *testing.T) {
	t.Parallel()
	var files []string
	for _, dir := range []string{"testdata", "../ui/testdata"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".golden") && !strings.Contains(path, "ansi256") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d goldens found", len(files))
	}
	banned := []string{"NoDecision", "AllowedByGrant", "NoIdentityAllow", "NoResourceAllow", "implicitDeny", "explicitDeny",
		"(Allowed)", "may call kms:", "Nothing allows", "nothing grants it", "Granting access is a key-policy change",
		"Access is granted in one place"}
	was := regexp.MustCompile(`'s (?:kms|dynamodb):[A-Za-z]+ was ([a-z]+)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := withoutSidebar(string(b))
		for _, w := range banned {
			if strings.Contains(s, w) {
				t.Errorf("%s: %q, a decision not told by policy.Narrate", f, w)
			}
		}
		// Goldens wrap, so the phrase is compared word by word, as far as
		// the line goes.
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for _, m := range was.FindAllStringSubmatchIndex(s, -1) {
			words := strings.Fields(s[m[2]:min(m[2]+60, len(s))])
			// A screen golden ends with the status and help lines: a phrase
			// on the pane's last line runs off the bottom of the screen, and
			// what the screen shows of it is all it can be held to.
			line := strings.Count(s[:m[2]], "\n")
			onLine := len(strings.Fields(lines[line][m[2]-lineStart(lines, line):]))
			lastPaneLine := strings.HasSuffix(f, ".golden") && strings.Contains(f, "ui/testdata") && line == len(lines)-3
			ok := false
			for _, w := range policy.DecisionWords {
				pw := strings.Fields(w)
				n := 0
				for n < len(pw) && n < len(words) && strings.TrimRight(words[n], ":.,") == strings.TrimRight(pw[n], ":.,") {
					n++
				}
				ok = ok || n == len(pw) || (n > 0 && n < len(pw) && n < len(words) && strings.ContainsAny(words[n], "│┃")) ||
					(lastPaneLine && n > 0 && n == onLine)
			}
			if !ok {
				t.Errorf("%s: %q is not one of the narrative's phrases", f, s[m[0]:min(m[1]+40, len(s))])
			}
		}
	}
}

// TestGoldenExperimentResults is every experiment's result as `run
// --experiments --seed 1` prints it: each probe with the why told from its
// own trace, and the trace of the call the learner predicts.
func TestGoldenExperimentResults(t *testing.T) {
	t.Parallel() // offline: no ledger, and the package has a state home of its own (TestMain)
	out, errOut, err := runSeeded(t, "run", "--experiments", "--seed", "1")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut)
	}
	i := strings.Index(out, "━━ Experiment 1 ")
	if i < 0 {
		t.Fatalf("no experiments in:\n%s", out)
	}
	golden.RequireEqual(t, []byte(out[i:]))
}

// withoutSidebar drops a screen golden's sidebar (what stands before the
// first "│" of a line, within the sidebar's width), so that a phrase the pane
// wraps reads on from one line to the next.
// lineStart is the offset of lines[i] in the text they were split from.
func lineStart(lines []string, i int) int {
	n := 0
	for _, l := range lines[:i] {
		n += len(l) + 1
	}
	return n
}

func withoutSidebar(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "│"); j >= 0 && len([]rune(l[:j])) <= 30 {
			lines[i] = l[j+len("│"):]
		}
	}
	return strings.Join(lines, "\n")
}
