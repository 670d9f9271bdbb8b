// Package tape reads VHS tapes (https://github.com/charmbracelet/vhs) and
// replays them against a real program in a pseudo-terminal, checking every
// Wait pattern against a virtual screen, so a recording script cannot rot
// while the program it films changes. Filming (Replayer.Film) also keeps the
// screen as a camera would, for kmslab record.
//
// Only the part of the VHS language a demo needs is understood; anything else
// is an error rather than silently skipped, so a tape the replay accepts is a
// tape whose every step the replay has checked or knowingly ignored.
package tape

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is a tape command.
type Kind int

// The commands understood, by VHS keyword.
const (
	Output     Kind = iota + 1 // Output <path>
	Require                    // Require <program>
	Set                        // Set <Setting> <value>
	Sleep                      // Sleep <duration>
	Type                       // Type[@speed] "<text>"
	Key                        // Enter, Up, Ctrl+C, ... [@speed] [count]
	Wait                       // Wait[+Screen|+Line][@timeout] [/regex/]
	Hide                       // Hide
	Show                       // Show
	Screenshot                 // Screenshot <path>
	Env                        // Env <name> <value>
)

var kindNames = map[Kind]string{
	Output: "Output", Require: "Require", Set: "Set", Sleep: "Sleep", Type: "Type", Key: "Key",
	Wait: "Wait", Hide: "Hide", Show: "Show", Screenshot: "Screenshot", Env: "Env",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Scope is where a Wait looks.
type Scope int

// Wait scopes: VHS's default is the line the cursor is on.
const (
	ScopeLine Scope = iota
	ScopeScreen
)

func (s Scope) String() string {
	if s == ScopeScreen {
		return "Screen"
	}
	return "Line"
}

// Command is one line of a tape.
type Command struct {
	Line int // 1-based line in the tape
	Kind Kind

	// Key names the key for Key commands ("Enter", "Up", "Ctrl+C", "Alt+Enter").
	Key string
	// Count repeats a Key command (default 1).
	Count int
	// Speed is the @time of Type and Key (delay between keystrokes) and the
	// @timeout of Wait; zero when not given.
	Speed time.Duration
	// Text is Type's text, the path of Output and Screenshot, the program of
	// Require, and the value of Set and Env.
	Text string
	// Name is the setting of Set and the variable of Env.
	Name string
	// Duration is Sleep's.
	Duration time.Duration
	// Scope and Pattern are Wait's; Pattern is nil for a bare Wait, which
	// VHS answers with its WaitPattern setting.
	Scope   Scope
	Pattern *regexp.Regexp
}

// keyNames are the VHS key commands, with the modifiers Ctrl, Alt and Shift
// handled apart.
var keyNames = map[string]bool{
	"Enter": true, "Backspace": true, "Delete": true, "Insert": true, "Escape": true,
	"Tab": true, "Space": true, "Up": true, "Down": true, "Left": true, "Right": true,
	"PageUp": true, "PageDown": true, "Home": true, "End": true,
}

// settings are the VHS settings, to catch typos such as "Set Widht".
var settings = map[string]bool{
	"Shell": true, "FontFamily": true, "FontSize": true, "Framerate": true, "PlaybackSpeed": true,
	"Height": true, "Width": true, "LetterSpacing": true, "TypingSpeed": true, "Theme": true,
	"Padding": true, "Margin": true, "MarginFill": true, "BorderRadius": true, "WindowBar": true,
	"WindowBarSize": true, "CursorBlink": true, "LoopOffset": true, "LineHeight": true,
	"WaitTimeout": true, "WaitPattern": true,
}

// maxRepeat bounds a key's repeat count: a tape is a script for a viewer,
// and an absurd count is a typo, not a plan.
const maxRepeat = 10000

// Error is a tape that does not parse, with where.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("tape line %d: %s", e.Line, e.Msg) }

// Parse reads a tape. Blank lines and # comments are skipped; any command or
// argument it does not understand is an error naming the line.
func Parse(src string) ([]Command, error) {
	if !utf8.ValidString(src) {
		return nil, &Error{Line: 1, Msg: "tape is not UTF-8"}
	}
	var cmds []Command
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := parseLine(line)
		if err != nil {
			return nil, &Error{Line: i + 1, Msg: err.Error()}
		}
		c.Line = i + 1
		cmds = append(cmds, c)
	}
	return cmds, nil
}

func parseLine(line string) (Command, error) {
	word, rest := cut(line)
	head, speed, hasSpeed := strings.Cut(word, "@")
	var c Command
	if hasSpeed {
		d, err := parseDuration(speed)
		if err != nil {
			return c, fmt.Errorf("%s@%s: %v", head, speed, err)
		}
		c.Speed = d
	}
	allowSpeed := false
	switch {
	case head == "Output", head == "Screenshot", head == "Require":
		c.Kind = map[string]Kind{"Output": Output, "Screenshot": Screenshot, "Require": Require}[head]
		arg, tail, err := stringOrWord(rest)
		if err != nil {
			return c, fmt.Errorf("%s: %v", head, err)
		}
		if arg == "" || tail != "" {
			return c, fmt.Errorf("%s takes one argument", head)
		}
		c.Text = arg
	case head == "Set", head == "Env":
		c.Kind = Set
		if head == "Env" {
			c.Kind = Env
		}
		name, value := cut(rest)
		if name == "" || value == "" {
			return c, fmt.Errorf("%s takes a name and a value", head)
		}
		if c.Kind == Set && !settings[name] {
			return c, fmt.Errorf("unknown setting %q", name)
		}
		v, tail, err := stringOrWord(value)
		if err != nil {
			return c, fmt.Errorf("%s %s: %v", head, name, err)
		}
		if tail != "" && !strings.HasPrefix(value, "{") {
			// Only a JSON theme may contain spaces without quotes.
			return c, fmt.Errorf("%s %s: unexpected %q", head, name, tail)
		}
		if strings.HasPrefix(value, "{") {
			v = value
		}
		c.Name, c.Text = name, v
		if c.Kind == Set {
			if err := checkSetting(name, v); err != nil {
				return c, err
			}
		}
	case head == "Sleep":
		c.Kind = Sleep
		d, err := parseDuration(rest)
		if err != nil {
			return c, fmt.Errorf("in Sleep: %v", err)
		}
		c.Duration = d
	case head == "Type":
		c.Kind, allowSpeed = Type, true
		text, tail, err := quoted(rest)
		if err != nil {
			return c, fmt.Errorf("in Type: %v", err)
		}
		if tail != "" {
			return c, fmt.Errorf("in Type: unexpected %q after the text", tail)
		}
		c.Text = text
	case head == "Hide", head == "Show":
		c.Kind = Hide
		if head == "Show" {
			c.Kind = Show
		}
		if rest != "" {
			return c, fmt.Errorf("%s takes no argument", head)
		}
	case head == "Wait" || strings.HasPrefix(head, "Wait+"):
		c.Kind, allowSpeed = Wait, true
		switch head {
		case "Wait", "Wait+Line":
			c.Scope = ScopeLine
		case "Wait+Screen":
			c.Scope = ScopeScreen
		default:
			return c, fmt.Errorf("unknown wait scope %q (Wait, Wait+Line or Wait+Screen)", head)
		}
		if rest != "" {
			re, err := regex(rest)
			if err != nil {
				return c, fmt.Errorf("%s: %v", head, err)
			}
			c.Pattern = re
		}
	default:
		name, err := keyName(head)
		if err != nil {
			return c, err
		}
		c.Kind, c.Key, c.Count, allowSpeed = Key, name, 1, true
		if rest != "" {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 1 || n > maxRepeat {
				return c, fmt.Errorf("%s: repeat count %q must be a number from 1 to %d", head, rest, maxRepeat)
			}
			c.Count = n
		}
	}
	if hasSpeed && !allowSpeed {
		return c, fmt.Errorf("%s does not take @time", head)
	}
	return c, nil
}

// keyName validates a key command: a plain key, or modifiers joined with +
// before a key or a single character (Ctrl+C, Ctrl+Alt+Delete, Alt+Enter).
func keyName(word string) (string, error) {
	if keyNames[word] {
		return word, nil
	}
	parts := strings.Split(word, "+")
	if len(parts) < 2 {
		return "", fmt.Errorf("unknown command %q", word)
	}
	seen := map[string]bool{}
	for _, m := range parts[:len(parts)-1] {
		if m != "Ctrl" && m != "Alt" && m != "Shift" || seen[m] {
			return "", fmt.Errorf("unknown command %q", word)
		}
		seen[m] = true
	}
	last := parts[len(parts)-1]
	if !keyNames[last] && utf8.RuneCountInString(last) != 1 {
		return "", fmt.Errorf("unknown key %q in %q", last, word)
	}
	if utf8.RuneCountInString(last) == 1 && (last[0] < 0x21 || last[0] > 0x7e) {
		return "", fmt.Errorf("key %q in %q is not a printable ASCII character", last, word)
	}
	return word, nil
}

// checkSetting validates the numeric settings the replay relies on.
func checkSetting(name, v string) error {
	switch name {
	case "Width", "Height", "FontSize", "Padding", "Margin", "BorderRadius", "WindowBarSize", "Framerate":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100000 {
			return fmt.Errorf("in Set %s: %q is not a size", name, v)
		}
	case "LetterSpacing", "LineHeight", "PlaybackSpeed":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1000 {
			return fmt.Errorf("in Set %s: %q is not a number", name, v)
		}
	case "TypingSpeed", "WaitTimeout", "LoopOffset":
		if name == "LoopOffset" {
			return nil // a frame number or a percentage
		}
		if _, err := parseDuration(v); err != nil {
			return fmt.Errorf("in Set %s: %v", name, err)
		}
	case "WaitPattern":
		if _, err := regexp.Compile(v); err != nil {
			return fmt.Errorf("in Set WaitPattern: %v", err)
		}
	}
	return nil
}

// parseDuration reads VHS times: "500ms", "2s", "1m", or a bare number of seconds.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("missing time")
	}
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 24*3600 {
			return 0, fmt.Errorf("time %q out of range", s)
		}
		d = time.Duration(f * float64(time.Second))
	} else {
		var perr error
		d, perr = time.ParseDuration(s)
		if perr != nil {
			return 0, fmt.Errorf("time %q: want e.g. 500ms, 2s or 1.5", s)
		}
	}
	if d < 0 || d > 24*time.Hour {
		return 0, fmt.Errorf("time %q out of range", s)
	}
	return d, nil
}

// regex reads /pattern/ with nothing after it. As in VHS, the pattern ends
// at the next slash, so it cannot contain one.
func regex(s string) (*regexp.Regexp, error) {
	if len(s) < 2 || s[0] != '/' {
		return nil, fmt.Errorf("want /regex/, got %q", s)
	}
	end := strings.IndexByte(s[1:], '/')
	if end < 0 {
		return nil, fmt.Errorf("unterminated /regex/ in %q", s)
	}
	if tail := strings.TrimSpace(s[end+2:]); tail != "" {
		return nil, fmt.Errorf("unexpected %q after /regex/", tail)
	}
	pat := s[1 : end+1]
	if pat == "" {
		return nil, fmt.Errorf("empty /regex/")
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, fmt.Errorf("regex %q: %v", pat, err)
	}
	return re, nil
}

// quoted reads a string in double quotes, single quotes or backticks. VHS
// strings have no escapes: a quote of another kind is how to type one.
func quoted(s string) (text, rest string, err error) {
	if s == "" {
		return "", "", fmt.Errorf("missing quoted text")
	}
	q := s[0]
	if q != '"' && q != '\'' && q != '`' {
		return "", "", fmt.Errorf("text must be quoted, got %q", s)
	}
	end := strings.IndexByte(s[1:], q)
	if end < 0 {
		return "", "", fmt.Errorf("unterminated string %q", s)
	}
	return s[1 : end+1], strings.TrimSpace(s[end+2:]), nil
}

// stringOrWord reads a quoted string or one bare word.
func stringOrWord(s string) (text, rest string, err error) {
	if s != "" && (s[0] == '"' || s[0] == '\'' || s[0] == '`') {
		return quoted(s)
	}
	w, r := cut(s)
	return w, r, nil
}

// cut splits off the first space-separated word.
func cut(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i+1:])
}
