package policy

import (
	"fmt"
	"strings"
)

// The words a person reads for a decision. Every screen, report and JSON
// summary that states a decision gets these from Narrate, so the sentence
// cannot disagree with the trace it comes from, and no engine name
// (NoDecision, AllowedByGrant, implicitDeny) reaches a person.
const (
	WordAllowed      = "allowed"
	WordImplicitDeny = "denied by default (implicit deny)"
	WordExplicitDeny = "denied by an explicit Deny"
	WordDisabled     = "refused because the key is disabled"
	WordKeyState     = "refused because of the key's state"
)

// DecisionWords lists every phrase Narrate may use for a decision, for
// tests that check no other code states one.
var DecisionWords = []string{WordAllowed, WordImplicitDeny, WordExplicitDeny, WordDisabled, WordKeyState}

// Cached is set on a trace whose request a service answered from a key it
// had cached for the caller, without asking KMS: the cache, not the
// policies, decided, and Narrate says so.
type Cached struct {
	Service string // "DynamoDB"
	Key     string // what it cached: "the table key"
}

// Told is a decision in a person's words: the decision phrase, whether the
// request went through, and a sentence naming who, what and the deciding
// step.
type Told struct {
	Decision string `json:"decision"`
	Allowed  bool   `json:"allowed"`
	Summary  string `json:"summary"`
}

// Narrate tells a trace's decision: any principal, action and resource. It
// is the one place a decision becomes a sentence.
func Narrate(t *Trace) Told {
	if t == nil {
		return Told{}
	}
	who := shortName(t.Principal)
	if t.Cached != nil {
		now := narrateRules(t)
		return Told{Decision: WordAllowed, Allowed: true, Summary: fmt.Sprintf(
			"%s's %s was %s: %s served it from %s it had cached for this caller, without asking KMS (KMS itself would now answer: %s).",
			who, t.Action, WordAllowed, t.Cached.Service, t.Cached.Key, now.Decision)}
	}
	return narrateRules(t)
}

func narrateRules(t *Trace) Told {
	who := shortName(t.Principal)
	out := Told{Decision: DecisionWord(t)}
	out.Allowed = out.Decision == WordAllowed
	// The decisive steps are the engine's own account of why: the same
	// evaluation produced the decision.
	var because []string
	for _, s := range t.Steps {
		if s.Decisive {
			because = append(because, strings.TrimSuffix(s.Finding, "."))
		}
	}
	if len(because) == 0 && !out.Allowed {
		because = append(because, "no statement allows it")
	}
	out.Summary = fmt.Sprintf("%s's %s was %s", who, t.Action, out.Decision)
	if len(because) > 0 {
		out.Summary += joinFinding(out.Decision, lowerFirst(strings.Join(because, "; ")))
	}
	out.Summary += "."
	return out
}

// joinFinding continues "X's action was <decision>" with the deciding
// finding without saying the decision twice: "was allowed by statement 1…",
// not "was allowed: allowed by statement 1…".
func joinFinding(decision, finding string) string {
	switch {
	case decision == WordAllowed && strings.HasPrefix(finding, "allowed by "):
		return " by " + strings.TrimPrefix(finding, "allowed by ")
	case decision == WordExplicitDeny && strings.HasPrefix(finding, "denied by "):
		return " in " + strings.TrimPrefix(finding, "denied by ")
	case decision == WordDisabled && strings.HasPrefix(finding, "the key is Disabled: "):
		return ": " + strings.TrimPrefix(finding, "the key is Disabled: ")
	}
	return ": " + finding
}

// Findings are what the engine found at the rules that did not decide the
// request but bore on it, in the order it applied them ("Statement X names
// the account, not bob: it hands the decision to IAM.", "No grant lets bob
// perform Decrypt."): the rest of the story Narrate's summary tells, in the
// same evaluation's words. Rules with nothing to say about this request
// (no statement denies, grants not needed) are left out.
func Findings(t *Trace) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, s := range t.Steps {
		if s.Decisive || s.Finding == findingNoDeny || s.Finding == findingNotNeeded || s.Finding == findingKeyEnabled {
			continue
		}
		out = append(out, s.Finding)
	}
	return out
}

// DecisionWord is the phrase for a trace's decision alone.
func DecisionWord(t *Trace) string {
	switch t.Verdict() {
	case "Allowed":
		return WordAllowed
	case "DisabledException":
		return WordDisabled
	case "KMSInvalidStateException":
		return WordKeyState
	}
	if t.Decision == Deny {
		return WordExplicitDeny
	}
	return WordImplicitDeny
}

// PolicyWord says what one policy made of a request, in words that do not
// read as the request's verdict.
func PolicyWord(p *PolicyTrace) string {
	if p.Unreadable != "" {
		return "not read (" + p.Unreadable + ")"
	}
	switch p.Decision {
	case Allow:
		for _, s := range p.Statements {
			if s.Applies && s.Effect == EffectAllow && !s.Delegates {
				return "a statement allows it"
			}
		}
		return "hands the decision to IAM"
	case Deny:
		return "a statement denies it"
	}
	return "no statement applies"
}

// StatementWord says what one statement did to the request.
func StatementWord(s *StatementTrace) string {
	switch {
	case !s.Applies:
		return "does not apply"
	case s.Effect == EffectDeny:
		return "denies"
	case s.Delegates:
		return "hands the decision to IAM"
	}
	return "allows"
}

// lowerFirst continues a sentence with a finding, keeping quoted names and
// ARNs as they are.
func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// shortName is an ARN's last path element: within one account the name is
// what tells callers apart.
func shortName(arn string) string {
	if arn == "" {
		return "the caller"
	}
	if i := strings.LastIndexByte(arn, '/'); i >= 0 && strings.HasPrefix(arn, "arn:") {
		return arn[i+1:]
	}
	return arn
}

// EvalDecisionWord is IAM's policy simulator's decision (allowed,
// implicitDeny, explicitDeny) in the narrative's words.
func EvalDecisionWord(d string) string {
	switch strings.ToLower(d) {
	case "allowed":
		return WordAllowed
	case "implicitdeny":
		return WordImplicitDeny
	case "explicitdeny":
		return WordExplicitDeny
	}
	return d
}
