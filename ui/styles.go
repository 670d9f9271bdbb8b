package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is every style the walkthrough uses, built once per background
// (light or dark) so that views never construct styles while rendering.
type Styles struct {
	NoColor bool

	App       lipgloss.Style
	Title     lipgloss.Style
	PartLabel lipgloss.Style
	Badge     lipgloss.Style
	BadgeAWS  lipgloss.Style
	Muted     lipgloss.Style
	Bold      lipgloss.Style
	Warn      lipgloss.Style
	Error     lipgloss.Style
	OK        lipgloss.Style
	Accent    lipgloss.Style

	Sidebar        lipgloss.Style
	SidebarHeading lipgloss.Style
	SidebarItem    lipgloss.Style
	SidebarCurrent lipgloss.Style

	StatusPending lipgloss.Style
	StatusRunning lipgloss.Style
	StatusDone    lipgloss.Style
	StatusDenied  lipgloss.Style
	StatusFailed  lipgloss.Style

	Section    lipgloss.Style
	CLIBox     lipgloss.Style
	CLIPrompt  lipgloss.Style
	ResultBox  lipgloss.Style
	Key        lipgloss.Style
	Value      lipgloss.Style
	TableHead  lipgloss.Style
	TableCell  lipgloss.Style
	TableEdge  lipgloss.Style
	ErrorBox   lipgloss.Style
	ExtrasBox  lipgloss.Style
	ExtrasTag  lipgloss.Style
	Hex        lipgloss.Style
	AuditAllow lipgloss.Style
	AuditDeny  lipgloss.Style

	JSONKey    lipgloss.Style
	JSONString lipgloss.Style
	JSONNumber lipgloss.Style
	JSONPunct  lipgloss.Style
	JSONLit    lipgloss.Style

	DiffAdd    lipgloss.Style
	DiffDel    lipgloss.Style
	DiffCtx    lipgloss.Style
	DiffHunk   lipgloss.Style
	DiffHeader lipgloss.Style

	DeniedBanner lipgloss.Style
	DeniedBox    lipgloss.Style
	DeniedLabel  lipgloss.Style
	DeniedValue  lipgloss.Style
	WhyBox       lipgloss.Style
	ContrastBox  lipgloss.Style

	Dialog    lipgloss.Style
	StatusBar lipgloss.Style
	Flash     lipgloss.Style
	Spinner   lipgloss.Style
	ProgFull  color.Color
	ProgEmpty color.Color

	Help help.Styles
}

// DefaultStyles returns the walkthrough's styles for a light or dark terminal.
// With noColor, no colors are set at all (NO_COLOR, or a profile without
// colors): meaning is then carried by borders, weights and words alone.
func DefaultStyles(isDark, noColor bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(dark))
	}
	var (
		accent  = c("#5B3CC4", "#B69CFF")
		muted   = c("#6C6C6C", "#8C8C8C")
		text    = c("#1F1F1F", "#E6E6E6")
		green   = c("#17772F", "#5EE08A")
		red     = c("#B3261E", "#FF6B6B")
		amber   = c("#8A5A00", "#F5C451")
		blue    = c("#0B5CAD", "#7CC7FF")
		border  = c("#BDBDBD", "#4A4A4A")
		redBG   = c("#B3261E", "#C62828")
		white   = c("#FFFFFF", "#FFFFFF")
		addBG   = c("#E3F6E8", "#12331D")
		delBG   = c("#FBE4E2", "#3A1515")
		panelBG = c("#F3EEFF", "#221B33")
	)
	s := Styles{NoColor: noColor}
	s.App = lipgloss.NewStyle().Foreground(text)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.PartLabel = lipgloss.NewStyle().Foreground(muted)
	s.Badge = lipgloss.NewStyle().Bold(true).Padding(0, 1).Foreground(white).Background(c("#2E7D32", "#2E7D32"))
	s.BadgeAWS = lipgloss.NewStyle().Bold(true).Padding(0, 1).Foreground(c("#1F1F1F", "#1F1F1F")).Background(c("#FF9900", "#FF9900"))
	if noColor {
		s.Badge = lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
		s.BadgeAWS = s.Badge
	}
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Warn = lipgloss.NewStyle().Bold(true).Foreground(amber)
	s.Error = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.OK = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.Accent = lipgloss.NewStyle().Foreground(accent)

	s.Sidebar = lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, true, false, false).
		BorderForeground(border).PaddingRight(1)
	s.SidebarHeading = lipgloss.NewStyle().Bold(true).Foreground(muted)
	s.SidebarItem = lipgloss.NewStyle().Foreground(text)
	s.SidebarCurrent = lipgloss.NewStyle().Bold(true).Foreground(accent)

	s.StatusPending = lipgloss.NewStyle().Foreground(muted)
	s.StatusRunning = lipgloss.NewStyle().Foreground(amber)
	s.StatusDone = lipgloss.NewStyle().Foreground(green)
	s.StatusDenied = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.StatusFailed = lipgloss.NewStyle().Bold(true).Foreground(red)

	s.Section = lipgloss.NewStyle().Bold(true).Foreground(accent).MarginTop(1)
	s.CLIBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1)
	s.CLIPrompt = lipgloss.NewStyle().Foreground(muted)
	s.ResultBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(green).Padding(0, 1)
	s.Key = lipgloss.NewStyle().Foreground(muted)
	s.Value = lipgloss.NewStyle().Foreground(text)
	s.TableHead = lipgloss.NewStyle().Bold(true).Foreground(accent).Padding(0, 1)
	s.TableCell = lipgloss.NewStyle().Padding(0, 1)
	s.TableEdge = lipgloss.NewStyle().Foreground(border)
	s.ErrorBox = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(red).Padding(0, 1)
	s.ExtrasBox = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(0, 1)
	s.ExtrasTag = lipgloss.NewStyle().Bold(true).Foreground(accent).Background(panelBG).Padding(0, 1)
	s.Hex = lipgloss.NewStyle().Foreground(amber)
	s.AuditAllow = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.AuditDeny = lipgloss.NewStyle().Bold(true).Foreground(red)

	s.JSONKey = lipgloss.NewStyle().Foreground(blue)
	s.JSONString = lipgloss.NewStyle().Foreground(green)
	s.JSONNumber = lipgloss.NewStyle().Foreground(amber)
	s.JSONPunct = lipgloss.NewStyle().Foreground(muted)
	s.JSONLit = lipgloss.NewStyle().Foreground(accent)

	s.DiffAdd = lipgloss.NewStyle().Foreground(green).Background(addBG)
	s.DiffDel = lipgloss.NewStyle().Foreground(red).Background(delBG)
	s.DiffCtx = lipgloss.NewStyle().Foreground(muted)
	s.DiffHunk = lipgloss.NewStyle().Foreground(blue)
	s.DiffHeader = lipgloss.NewStyle().Bold(true)

	s.DeniedBanner = lipgloss.NewStyle().Bold(true).Foreground(white).Background(redBG).Padding(0, 1)
	if noColor {
		s.DeniedBanner = lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	}
	s.DeniedBox = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(red).Padding(0, 1)
	s.DeniedLabel = lipgloss.NewStyle().Bold(true).Foreground(red)
	s.DeniedValue = lipgloss.NewStyle().Foreground(text)
	s.WhyBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(amber).Padding(0, 1)
	s.ContrastBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(green).Padding(0, 1)

	s.Dialog = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(amber).Padding(1, 2)
	s.StatusBar = lipgloss.NewStyle().Foreground(muted)
	s.Flash = lipgloss.NewStyle().Bold(true).Foreground(green)
	s.Spinner = lipgloss.NewStyle().Foreground(amber)
	s.ProgFull = accent
	s.ProgEmpty = border

	s.Help = help.DefaultStyles(isDark)
	if noColor {
		s.Help = help.Styles{
			ShortKey: lipgloss.NewStyle().Bold(true), FullKey: lipgloss.NewStyle().Bold(true),
		}
	}
	return s
}
