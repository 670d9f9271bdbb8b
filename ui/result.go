package ui

import (
	"reflect"

	tea "charm.land/bubbletea/v2"

	"kmslab/steps"
)

// resultView draws one kind of steps.Result inside the part pane, at the
// width SetSize gives (the height is the pane's, for views that scroll on
// their own). Update reports whether it used the message: keys it does not
// use scroll the pane.
type resultView interface {
	component
	Update(tea.Msg) (resultView, tea.Cmd, bool)
}

// resultViews maps each kind of result to the view that draws it. Each view
// registers itself in its own file, so a new kind of result (an experiment's)
// adds one file to ui and touches no other.
var resultViews = map[reflect.Type]func(common, steps.Result) resultView{}

// registerResult makes newView draw results of type R.
func registerResult[R steps.Result](newView func(common, R) resultView) {
	resultViews[reflect.TypeFor[R]()] = func(c common, r steps.Result) resultView { return newView(c, r.(R)) }
}

// resultViewFor builds the view of r, or nil for a kind nothing draws (the
// summary line then stands alone).
func resultViewFor(c common, r steps.Result) resultView {
	if r == nil {
		return nil
	}
	if newView, ok := resultViews[reflect.TypeOf(r)]; ok {
		return newView(c, r)
	}
	if f, ok := r.(steps.Facter); ok {
		return &factsView{staticView{c: c}, f}
	}
	return nil
}

// factsView draws a kind of result no view is registered for, from the
// labelled values it gives.
type factsView struct {
	staticView
	r steps.Facter
}

func (v *factsView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *factsView) View() string { return kvLines(*v.c.styles, v.width, v.r.Facts()) }

// staticView is the part of a result view that neither scrolls nor takes
// keys: its width, and no help of its own.
type staticView struct {
	noKeys
	c     common
	width int
}

// SetSize sets the width to draw at.
func (s *staticView) SetSize(w, _ int) { s.width = w }
