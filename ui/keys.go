package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the walkthrough. Before each key press the
// root enables on this very KeyMap the bindings that do something in the
// current state (updateKeybindings, as bubbles' list does), so a disabled key
// stops matching, and the help bar, built from the same bindings, drops it.
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

	// Experiments: open the what-ifs, predict, keep an edited policy.
	Experiments  key.Binding
	PredictAllow key.Binding
	PredictDeny  key.Binding
	Save         key.Binding

	// Choosing a lab on the welcome screen; starting the next one from a
	// summary.
	LabUp    key.Binding
	LabDown  key.Binding
	LabPick  key.Binding
	OtherLab key.Binding

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
		Experiments:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "what-ifs")),
		PredictAllow:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "predict allowed")),
		PredictDeny:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "predict denied")),
		Save:          key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "check and keep")),
		LabUp:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous lab")),
		LabDown:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next lab")),
		LabPick:       key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "begin that lab")),
		OtherLab:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start the next lab")),
	}
}

// scrollBindings are the keys the content pane consumes.
func (k KeyMap) scrollBindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// compactScroll lists the scroll keys in three lines, for the help of a
// narrow terminal; they are the same keys, described together.
func (k KeyMap) compactScroll() []key.Binding {
	on := k.Up.Enabled()
	b := func(keys, desc string) key.Binding {
		kb := key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
		kb.SetEnabled(on)
		return kb
	}
	return []key.Binding{b("↑↓/jk", "scroll"), b("pgup/pgdn", "page"), b("g/G", "top/end")}
}

// screenKeys are the bindings that screens enable (setKeys); scrolling,
// help and quit answer everywhere.
func (k *KeyMap) screenKeys() []*key.Binding {
	return []*key.Binding{&k.Next, &k.Forward, &k.Back, &k.Retry, &k.Copy, &k.ToggleExplain, &k.ToggleAtRest, &k.ToggleAudit,
		&k.Experiments, &k.PredictAllow, &k.PredictDeny, &k.Save, &k.LabUp, &k.LabDown, &k.LabPick, &k.OtherLab,
		&k.Yes, &k.No, &k.Cancel}
}

// enable turns bindings on.
func enable(bs ...*key.Binding) {
	for _, b := range bs {
		b.SetEnabled(true)
	}
}
