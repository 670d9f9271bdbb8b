package tape

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/vt"
)

// namedKeys are VHS's key names that vt encodes itself.
var namedKeys = map[string]rune{
	"Enter": vt.KeyEnter, "Tab": vt.KeyTab, "Space": vt.KeySpace, "Backspace": vt.KeyBackspace,
	"Escape": vt.KeyEscape, "Up": vt.KeyUp, "Down": vt.KeyDown, "Right": vt.KeyRight, "Left": vt.KeyLeft,
	"Home": vt.KeyHome, "End": vt.KeyEnd, "Insert": vt.KeyInsert, "Delete": vt.KeyDelete,
	"PageUp": vt.KeyPgUp, "PageDown": vt.KeyPgDown,
}

// keyEvent is the VHS key name as a key for vt to encode, when vt's encoder
// covers it: the named keys (the cursor keys as the program's cursor-key
// mode wants them), Shift+Tab, Ctrl with a letter or [\]^_ or Space,
// printable characters, and Alt with any of these. The rest (Ctrl+Up and
// other modified cursor keys, Ctrl+?) KeySequence spells out.
func keyEvent(name string) (vt.KeyPressEvent, bool) {
	parts := strings.Split(name, "+")
	key := parts[len(parts)-1]
	var mod vt.KeyMod
	for _, m := range parts[:len(parts)-1] {
		switch m {
		case "Ctrl":
			mod |= vt.ModCtrl
		case "Alt":
			mod |= vt.ModAlt
		case "Shift":
			mod |= vt.ModShift
		default:
			return vt.KeyPressEvent{}, false
		}
	}
	plain := mod &^ vt.ModAlt // Alt only prefixes ESC, whatever the key
	if code, ok := namedKeys[key]; ok {
		switch {
		case plain == 0:
			return vt.KeyPressEvent{Code: code, Mod: mod}, true
		case plain == vt.ModShift && code == vt.KeyTab:
			return vt.KeyPressEvent{Code: code, Mod: mod}, true
		case plain == vt.ModCtrl && code == vt.KeySpace:
			return vt.KeyPressEvent{Code: code, Mod: mod}, true
		}
		return vt.KeyPressEvent{}, false
	}
	r, size := utf8.DecodeRuneInString(key)
	if size != len(key) || r == utf8.RuneError || r < ' ' || r == 0x7f {
		return vt.KeyPressEvent{}, false
	}
	switch plain {
	case 0:
		return vt.KeyPressEvent{Code: r, Text: key, Mod: mod}, true
	case vt.ModShift:
		up := strings.ToUpper(key)
		return vt.KeyPressEvent{Code: r, Text: up, Mod: mod &^ vt.ModShift}, true
	case vt.ModCtrl:
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if (r >= 'a' && r <= 'z') || strings.ContainsRune(`[\]^_`, r) {
			return vt.KeyPressEvent{Code: r, Mod: mod}, true
		}
	}
	return vt.KeyPressEvent{}, false
}
