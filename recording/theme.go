package recording

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"kmslab/tape"
)

// Theme is a terminal's colors, as VHS themes give them: the default
// background, foreground and cursor, and the 16 ANSI colors.
type Theme struct {
	Name       string
	Background RGB
	Foreground RGB
	Cursor     RGB
	Palette    [16]RGB // black, red, green, yellow, blue, magenta, cyan, white, then the bright ones
}

// RGB is a 24-bit color.
type RGB uint32

// Hex is the color as #rrggbb.
func (c RGB) Hex() string { return fmt.Sprintf("#%06x", uint32(c)) }

// Split is the color's channels.
func (c RGB) Split() (r, g, b uint8) { return uint8(c >> 16), uint8(c >> 8), uint8(c) }

// themes are the named themes a tape can Set. The values are VHS's own
// (github.com/charmbracelet/vhs, themes.json), so that a tape looks the same
// whether VHS or kmslab records it.
var themes = map[string]themeJSON{
	"Catppuccin Mocha": {
		Black: "#45475a", Red: "#f38ba8", Green: "#a6e3a1", Yellow: "#f9e2af", Blue: "#89b4fa",
		Magenta: "#f5c2e7", Cyan: "#94e2d5", White: "#bac2de",
		BrightBlack: "#585b70", BrightRed: "#f38ba8", BrightGreen: "#a6e3a1", BrightYellow: "#f9e2af",
		BrightBlue: "#89b4fa", BrightMagenta: "#f5c2e7", BrightCyan: "#94e2d5", BrightWhite: "#a6adc8",
		Background: "#1e1e2e", Foreground: "#cdd6f4", Cursor: "#f5e0dc",
	},
	"Catppuccin Latte": {
		Black: "#5c5f77", Red: "#d20f39", Green: "#40a02b", Yellow: "#df8e1d", Blue: "#1e66f5",
		Magenta: "#ea76cb", Cyan: "#179299", White: "#acb0be",
		BrightBlack: "#6c6f85", BrightRed: "#d20f39", BrightGreen: "#40a02b", BrightYellow: "#df8e1d",
		BrightBlue: "#1e66f5", BrightMagenta: "#ea76cb", BrightCyan: "#179299", BrightWhite: "#bcc0cc",
		Background: "#eff1f5", Foreground: "#4c4f69", Cursor: "#dc8a78",
	},
}

// defaultTheme is used when a tape sets none: xterm's colors on black.
var defaultTheme = themeJSON{
	Black: "#000000", Red: "#cd0000", Green: "#00cd00", Yellow: "#cdcd00", Blue: "#0000ee",
	Magenta: "#cd00cd", Cyan: "#00cdcd", White: "#e5e5e5",
	BrightBlack: "#7f7f7f", BrightRed: "#ff0000", BrightGreen: "#00ff00", BrightYellow: "#ffff00",
	BrightBlue: "#5c5cff", BrightMagenta: "#ff00ff", BrightCyan: "#00ffff", BrightWhite: "#ffffff",
	Background: "#000000", Foreground: "#e5e5e5", Cursor: "#e5e5e5",
}

// themeJSON is VHS's theme format, which `Set Theme {...}` takes inline.
type themeJSON struct {
	Name          string `json:"name"`
	Black         string `json:"black"`
	Red           string `json:"red"`
	Green         string `json:"green"`
	Yellow        string `json:"yellow"`
	Blue          string `json:"blue"`
	Magenta       string `json:"magenta"`
	Cyan          string `json:"cyan"`
	White         string `json:"white"`
	BrightBlack   string `json:"brightBlack"`
	BrightRed     string `json:"brightRed"`
	BrightGreen   string `json:"brightGreen"`
	BrightYellow  string `json:"brightYellow"`
	BrightBlue    string `json:"brightBlue"`
	BrightMagenta string `json:"brightMagenta"`
	BrightCyan    string `json:"brightCyan"`
	BrightWhite   string `json:"brightWhite"`
	Background    string `json:"background"`
	Foreground    string `json:"foreground"`
	Cursor        string `json:"cursor"`
}

// ParseTheme reads a tape's Theme setting: a theme name, or a VHS theme as
// JSON. An empty setting is the default theme.
func ParseTheme(setting string) (Theme, error) {
	setting = strings.TrimSpace(setting)
	if setting == "" {
		return defaultTheme.theme("")
	}
	if strings.HasPrefix(setting, "{") {
		var j themeJSON
		if err := json.Unmarshal([]byte(setting), &j); err != nil {
			return Theme{}, fmt.Errorf("theme JSON: %v", err)
		}
		return j.theme(j.Name)
	}
	j, ok := themes[setting]
	if !ok {
		names := make([]string, 0, len(themes))
		for n := range themes {
			names = append(names, strconv.Quote(n))
		}
		sort.Strings(names)
		return Theme{}, fmt.Errorf("unknown theme %q: kmslab record knows %s, or give the theme as JSON", setting, strings.Join(names, ", "))
	}
	return j.theme(setting)
}

func (j themeJSON) theme(name string) (Theme, error) {
	t := Theme{Name: name}
	fields := []struct {
		name string
		val  string
		to   *RGB
	}{
		{"black", j.Black, &t.Palette[0]}, {"red", j.Red, &t.Palette[1]}, {"green", j.Green, &t.Palette[2]},
		{"yellow", j.Yellow, &t.Palette[3]}, {"blue", j.Blue, &t.Palette[4]}, {"magenta", j.Magenta, &t.Palette[5]},
		{"cyan", j.Cyan, &t.Palette[6]}, {"white", j.White, &t.Palette[7]},
		{"brightBlack", j.BrightBlack, &t.Palette[8]}, {"brightRed", j.BrightRed, &t.Palette[9]},
		{"brightGreen", j.BrightGreen, &t.Palette[10]}, {"brightYellow", j.BrightYellow, &t.Palette[11]},
		{"brightBlue", j.BrightBlue, &t.Palette[12]}, {"brightMagenta", j.BrightMagenta, &t.Palette[13]},
		{"brightCyan", j.BrightCyan, &t.Palette[14]}, {"brightWhite", j.BrightWhite, &t.Palette[15]},
		{"background", j.Background, &t.Background}, {"foreground", j.Foreground, &t.Foreground},
	}
	for _, f := range fields {
		c, err := parseHex(f.val)
		if err != nil {
			return Theme{}, fmt.Errorf("theme %s: %v", f.name, err)
		}
		*f.to = c
	}
	t.Cursor = t.Foreground
	if j.Cursor != "" {
		c, err := parseHex(j.Cursor)
		if err != nil {
			return Theme{}, fmt.Errorf("theme cursor: %v", err)
		}
		t.Cursor = c
	}
	return t, nil
}

// parseHex reads #rrggbb.
func parseHex(s string) (RGB, error) {
	if len(s) != 7 || s[0] != '#' {
		return 0, fmt.Errorf("color %q: want #rrggbb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return 0, fmt.Errorf("color %q: want #rrggbb", s)
	}
	return RGB(v), nil
}

// Resolve is the RGB a cell's color shows in this theme; def is what the
// terminal's default stands for (the foreground or the background).
func (t *Theme) Resolve(c tape.Color, def RGB) RGB {
	switch c.Kind {
	case tape.IndexedColor:
		return t.indexed(uint8(c.Value))
	case tape.RGBColor:
		return RGB(c.Value & 0xffffff)
	default:
		return def
	}
}

// indexed is xterm's 256-color palette: the theme's 16, a 6×6×6 cube, and
// 24 grays.
func (t *Theme) indexed(i uint8) RGB {
	switch {
	case i < 16:
		return t.Palette[i]
	case i < 232:
		i -= 16
		level := func(v uint8) uint32 {
			if v == 0 {
				return 0
			}
			return uint32(55 + 40*v)
		}
		return RGB(level(i/36)<<16 | level(i/6%6)<<8 | level(i%6))
	default:
		g := uint32(8 + 10*(i-232))
		return RGB(g<<16 | g<<8 | g)
	}
}

// Colors are a cell's colors in a theme, with reverse video applied.
func (t *Theme) Colors(c tape.Cell) (fg, bg RGB) {
	fg, bg = t.Resolve(c.Fg, t.Foreground), t.Resolve(c.Bg, t.Background)
	if c.Attrs&tape.Reverse != 0 {
		fg, bg = bg, fg
	}
	return fg, bg
}
