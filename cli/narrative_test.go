package cli

import (
	"bufio"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"kmslab/policy"
)

// TestRunStatesAWSDecisions runs every part and experiment offline, as text
// and as JSON, and checks that what is said about each probe (its trace told
// by policy.Narrate) states the decision the offline AWS returned, and that
// part 5 leads with the narrative, not the raw AWS message.
func TestRunStatesAWSDecisions(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	out, errOut, err := runInProcess(t, "run", "--experiments", "--seed", "1", "--json")
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
			if strings.HasPrefix(p.Call, "DescribeTable") {
				continue
			}
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

	text, errOut, err := runInProcess(t, "run", "--experiments", "--seed", "1")
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
