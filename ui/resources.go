package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/awsops/policydoc"
	"kmslab/steps"
)

// The views of the resources the parts create: the key, the
// encrypted table, the items read and the test user.

func init() {
	registerResult(func(c common, r steps.KeyCreated) resultView { return &keyView{staticView{c: c}, r} })
	registerResult(func(c common, r steps.TableEncrypted) resultView { return &tableView{staticView{c: c}, r} })
	registerResult(func(c common, r steps.ItemsRead) resultView { return &itemsView{staticView{c: c}, r} })
	registerResult(func(c common, r steps.UserCreated) resultView { return &userView{staticView{c: c}, r} })
}

// keyView shows the lab's key whole, with its policy.
type keyView struct {
	staticView
	r steps.KeyCreated
}

func (v *keyView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *keyView) View() string {
	c, w, k := v.c, v.width, v.r.Key
	st := *c.styles
	pairs := [][2]string{{"Key ID", k.ID}, {"ARN", k.ARN}}
	if k.Alias != "" {
		pairs = append(pairs, [2]string{"Alias", k.Alias})
	}
	pairs = append(pairs,
		[2]string{"State", k.State},
		[2]string{"Spec / usage", k.Spec + " / " + k.Usage},
		[2]string{"Managed by", k.Manager},
	)
	if !k.Created.IsZero() {
		pairs = append(pairs, [2]string{"Created", k.Created.UTC().Format("2006-01-02 15:04:05 UTC")})
	}
	if k.Description != "" {
		pairs = append(pairs, [2]string{"Description", k.Description})
	}
	out := []string{c.section("KMS key"), kvLines(st, w, pairs)}
	if k.Policy != "" {
		out = append(out, c.section("Key policy"), renderJSON(st, w, k.Policy))
	}
	return strings.Join(out, "\n")
}

// renderJSON shows a JSON document indented and colored, long lines cut
// rather than wrapped so the indentation keeps meaning.
func renderJSON(st Styles, w int, doc string) string {
	lines := strings.Split(policydoc.PrettyJSON(doc), "\n")
	for i, l := range lines {
		lines[i] = highlightJSON(st, ansi.Truncate(l, w, "…"))
	}
	return strings.Join(lines, "\n")
}

// tableView shows the lab's table and its encryption first, then the key in
// brief: the key's own step showed it whole.
type tableView struct {
	staticView
	r steps.TableEncrypted
}

func (v *tableView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *tableView) View() string {
	out := renderTable(v.c, v.width, v.r.Table)
	if k := v.r.Key; k != nil {
		pairs := [][2]string{}
		if k.Alias != "" {
			pairs = append(pairs, [2]string{"Alias", k.Alias})
		}
		pairs = append(pairs, [2]string{"Key ID", k.ID}, [2]string{"State", k.State})
		title := "KMS key"
		if v.r.KeyFrom != "" {
			title += " (created in " + v.r.KeyFrom + ")"
		}
		out += "\n" + v.c.section(title) + "\n" + kvLines(*v.c.styles, v.width, pairs)
	}
	return out
}

func renderTable(c common, w int, t awsops.Table) string {
	st := *c.styles
	pairs := [][2]string{{"Table", t.Name}}
	if t.ARN != "" {
		pairs = append(pairs, [2]string{"ARN", t.ARN})
	}
	pairs = append(pairs, [2]string{"Status", t.Status})
	if t.KeySchema != "" {
		pairs = append(pairs, [2]string{"Key schema", t.KeySchema})
	}
	out := []string{c.section("DynamoDB table"), kvLines(st, w, pairs), c.section("Encryption at rest (SSEDescription)")}
	if t.SSE.Type == "" && t.SSE.Status == "" {
		out = append(out, st.Warn.Render("AWS owned key (the default): no SSEDescription, and no key policy of yours applies."))
	} else {
		out = append(out, kvLines(st, w, [][2]string{
			{"Status", t.SSE.Status}, {"SSEType", t.SSE.Type}, {"KMSMasterKeyArn", t.SSE.KMSKeyARN},
		}))
	}
	return strings.Join(out, "\n")
}

// itemsView shows the items a read returned.
type itemsView struct {
	staticView
	r steps.ItemsRead
}

func (v *itemsView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *itemsView) View() string {
	if len(v.r.Items) == 0 {
		return ""
	}
	return v.c.section("Items") + "\n" + itemsTable(*v.c.styles, v.width, v.r.Items)
}

// userView shows the lab's test user; its secret never reaches the screen.
type userView struct {
	staticView
	r steps.UserCreated
}

func (v *userView) Update(tea.Msg) (resultView, tea.Cmd, bool) { return v, nil, false }

func (v *userView) View() string {
	u := v.r.User
	pairs := [][2]string{{"User", u.Name}, {"ARN", u.ARN}, {"Access key", u.AccessKeyID + "  (secret kept in memory only)"}}
	for i, p := range u.Policies {
		k := ""
		if i == 0 {
			k = "Policies"
		}
		pairs = append(pairs, [2]string{k, p})
	}
	return v.c.section("Test user") + "\n" + kvLines(*v.c.styles, v.width, pairs)
}

// itemsTable shows items as rows, one column per attribute name in order of
// first appearance, headed "name (type)".
func itemsTable(st Styles, w int, items []awsops.Item) string {
	var cols []string
	types := map[string]string{}
	for _, it := range items {
		for _, a := range it {
			if _, ok := types[a.Name]; !ok {
				cols = append(cols, a.Name)
				types[a.Name] = a.Type
			}
		}
	}
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c + " (" + types[c] + ")"
	}
	rows := make([][]string, len(items))
	for r, it := range items {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = it.Get(c)
		}
		rows[r] = row
	}
	if len(cols) == 0 {
		return st.Muted.Render("(no attributes)")
	}
	return dataTable(st, w, headers, rows)
}
