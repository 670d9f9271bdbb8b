package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
)

// panels are the offline-only views under a step's result: the at-rest view
// and the audit trail. They read the Extras in a command after each change
// and draw the latest reading.
type panels struct {
	c                     common
	extras                Extras
	showAtRest, showAudit bool
	reading               *extrasMsg // the latest reading; nil until one arrives
	readID                int        // id of the latest read asked for; older ones are dropped
	atRest                atRestView
	audit                 auditView
	items                 []awsops.Item // the latest items read, shown beside their ciphertext
	itemsPart             int           // the part that read them
	keyID                 string        // the lab key's id
	// history, when set, is drawn instead of the latest reading: the step
	// shown is not the latest to run, and this is how things were after it.
	history *extrasMsg
	// drawn is the last drawing and what it was drawn from: a reading is
	// drawn again with every refresh of the part pane until the next one.
	drawn   []string
	drawnOf panelsKey
	drawnAt [2]int // the at-rest and audit sections' indexes in drawn
}

// panelsKey is everything the panels are drawn from.
type panelsKey struct {
	styles                *Styles
	width                 int
	showAtRest, showAudit bool
	reading               readingKey
	history               bool
	items                 *awsops.Item // the first of items: they are replaced, never changed
	nItems, itemsPart     int
	keyID                 string
}

// readingKey names a reading by what it holds: each reading reads a new
// at-rest view and trail, never changed afterwards, and a reading is passed
// by value (a copy names the same reading).
type readingKey struct {
	present bool
	atRest  *AtRest
	audit   *AuditEvent // the first event
	nAudit  int
}

func keyOfReading(x *extrasMsg) readingKey {
	if x == nil {
		return readingKey{}
	}
	k := readingKey{present: true, atRest: x.atRest, nAudit: len(x.audit)}
	if len(x.audit) > 0 {
		k.audit = &x.audit[0]
	}
	return k
}

func newPanels(c common, x Extras) panels {
	return panels{c: c, extras: x, showAtRest: x != nil, showAudit: x != nil,
		atRest: atRestView{c: c}, audit: auditView{c: c}}
}

func (p *panels) setCommon(c common) { p.c, p.atRest.c, p.audit.c = c, c, c }

// adopt takes a reading that came with a step's outcome as the latest,
// numbered as if asked for now.
func (p *panels) adopt(x *extrasMsg) {
	p.readID++
	x.id = p.readID
	p.take(*x)
}

// fetch reads the panels' data when one of them is shown.
func (p *panels) fetch(table string) tea.Cmd {
	if !p.showAtRest && !p.showAudit {
		return nil
	}
	return p.read(table, -1, 0)
}

func (p *panels) read(table string, step, run int) tea.Cmd {
	x := p.extras
	if x == nil {
		return nil
	}
	p.readID++
	id := p.readID
	return func() tea.Msg {
		msg := readExtras(x, table, step, run)
		msg.id = id
		return msg
	}
}

// readExtras reads the panels' data from x (its id is left for the caller).
func readExtras(x Extras, table string, step, run int) extrasMsg {
	msg := extrasMsg{audit: x.Audit(), step: step, run: run}
	for i := range msg.audit {
		e := &msg.audit[i]
		e.Service, e.Operation, e.Caller = sanitize(e.Service), sanitize(e.Operation), sanitize(e.Caller)
		e.InvokedBy, e.Decision, e.ErrorCode = sanitize(e.InvokedBy), sanitize(e.Decision), sanitize(e.ErrorCode)
	}
	if table != "" {
		ar, err := x.AtRest(table)
		if err != nil {
			msg.err = err
		} else {
			msg.atRest = &ar
		}
	}
	return msg
}

// take keeps a reading unless a newer one was asked for.
func (p *panels) take(msg extrasMsg) bool {
	if msg.id != p.readID {
		return false
	}
	p.reading = &msg
	return true
}

// View draws the panels shown, each boxed and labelled as offline only,
// preceded by a blank line.
func (p *panels) View(w int) []string {
	out, _, _ := p.sections(w)
	return out
}

// sections draws the panels and says at which of the returned sections each
// begins (-1 when hidden), so the part pane can scroll one into view.
func (p *panels) sections(w int) (out []string, atRest, audit int) {
	if p.extras == nil {
		return nil, -1, -1
	}
	x := p.reading
	if p.history != nil {
		x = p.history
	}
	k := panelsKey{styles: p.c.styles, width: w, showAtRest: p.showAtRest, showAudit: p.showAudit,
		reading: keyOfReading(x), history: p.history != nil, nItems: len(p.items), itemsPart: p.itemsPart, keyID: p.keyID}
	if len(p.items) > 0 {
		k.items = &p.items[0]
	}
	if k != p.drawnOf || p.drawn == nil {
		out, atRest, audit = p.draw(w)
		p.drawn, p.drawnOf, p.drawnAt = out, k, [2]int{atRest, audit}
	}
	// Callers append to what they get: a copy keeps drawn as it was.
	return append([]string(nil), p.drawn...), p.drawnAt[0], p.drawnAt[1]
}

// draw draws the panels (see sections).
func (p *panels) draw(w int) (out []string, atRest, audit int) {
	atRest, audit = -1, -1
	out = []string{}
	st := *p.c.styles
	inner := w - st.ExtrasBox.GetHorizontalFrameSize()
	x, history := p.reading, p.history != nil
	if history {
		x = p.history
	}
	// heading marks a snapshot: the learner went back, and what the panel
	// shows is no longer how things are.
	heading := func(tag, sub string) string {
		if history {
			tag, sub = tag+" · HISTORY", "as it was when this step ran; "+sub
		}
		return panelHeading(st, inner, tag, sub)
	}
	if p.showAtRest {
		var body string
		switch {
		case x == nil:
			body = st.Muted.Render("reading…")
		case x.atRest == nil:
			body = st.Muted.Render("No table exists (not yet, or no longer): nothing is stored.")
		default:
			p.atRest.data, p.atRest.items, p.atRest.itemsPart, p.atRest.keyID = *x.atRest, p.items, p.itemsPart, p.keyID
			p.atRest.SetSize(inner, 0)
			body = p.atRest.View()
		}
		atRest = len(out) + 1
		out = append(out, "", box(st.ExtrasBox, w, heading("OFFLINE ONLY · AT REST",
			"bytes on disk; AWS never shows you these")+"\n\n"+body))
	}
	if p.showAudit {
		body := st.Muted.Render("reading…")
		if x != nil {
			p.audit.events = x.audit
			p.audit.SetSize(inner, 0)
			body = p.audit.View()
		}
		audit = len(out) + 1
		out = append(out, "", box(st.ExtrasBox, w, heading("OFFLINE ONLY · AUDIT TRAIL",
			"every KMS call, as CloudTrail records it")+"\n\n"+body))
	}
	return out, atRest, audit
}

// panelHeading is a panel's tag with its subtitle beside it, or below it when
// both do not fit on one line (a subtitle broken mid-phrase reads badly).
func panelHeading(st Styles, w int, tag, sub string) string {
	t := st.ExtrasTag.Render(tag)
	if lipgloss.Width(t)+2+ansi.StringWidth(sub) <= w {
		return t + "  " + st.Muted.Render(sub)
	}
	return t + "\n" + st.Muted.Render(wrapText(sub, max(w, 10), ""))
}
