package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the walkthrough. Bindings that make no sense on
// the current screen are disabled by the root (setEnabled) so they drop out of
// the help bar and stop matching.
type KeyMap struct {
	Next          key.Binding
	Forward       key.Binding
	Back          key.Binding
	Retry         key.Binding
	Copy          key.Binding
	ToggleExplain key.Binding
	ToggleAtRest  key.Binding
	ToggleAudit   key.Binding
	Up            key.Binding
	Down          key.Binding
	PageUp        key.Binding
	PageDown      key.Binding
	Top           key.Binding
	Bottom        key.Binding
	Help          key.Binding
	Quit          key.Binding
	ForceQuit     key.Binding

	// Dialog answers (real-AWS confirmation and the quit prompt).
	Yes    key.Binding
	No     key.Binding
	Cancel key.Binding
}

// DefaultKeyMap returns the walkthrough's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run / continue")),
		Forward:       key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next part")),
		Back:          key.NewBinding(key.WithKeys("left", "h", "b"), key.WithHelp("←/b", "back")),
		Retry:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Copy:          key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		ToggleExplain: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "explanation")),
		ToggleAtRest:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "at rest")),
		ToggleAudit:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "audit")),
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:        key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:      key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgdn/space", "page down")),
		Top:           key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:        key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
		Quit:          key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		ForceQuit:     key.NewBinding(key.WithKeys("ctrl+c")),
		Yes:           key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:            key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
		Cancel:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp is the one-line help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Yes, k.No, k.Cancel, k.Next, k.Back, k.Retry, k.Copy, k.ToggleAtRest, k.ToggleAudit, k.Help, k.Quit}
}

// FullHelp is the help shown with '?'.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Forward, k.Back, k.Retry},
		{k.Copy, k.ToggleExplain, k.ToggleAtRest, k.ToggleAudit},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Yes, k.No, k.Cancel, k.Help, k.Quit},
	}
}

// scrollBindings are the keys the content pane consumes.
func (k KeyMap) scrollBindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
