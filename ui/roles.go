package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// signedIn is the admin connected to a team vault: their name and role.
// It is zero on a vault file, where there are no roles and everything is
// allowed. What a role may do comes from engine's one table (RoleMay);
// the views only name the action a widget stands for.
type signedIn struct{ name, role string }

// may says whether the admin may do a.
func (s signedIn) may(a engine.Action) bool { return engine.RoleMay(s.role, a) }

// team says whether this is a team vault's admin.
func (s signedIn) team() bool { return s.role != "" }

// summary is the sentence the window shows: who is signed in, what they
// can do and what needs another role; "" on a vault file.
func (s signedIn) summary() string { return engine.RoleSummary(s.name, s.role) }

// why says in a short sentence why the actions are not available (those
// the admin may do are left out), "" when they all are.
func (s signedIn) why(actions ...engine.Action) string {
	why := engine.WhyNot(s.role, actions...)
	if why == "" {
		return ""
	}
	return capitalise(why) + "." // who is signed in, the window's top line says
}

// titleSuffix names the admin in the window's title.
func (s signedIn) titleSuffix() string {
	if !s.team() {
		return ""
	}
	return " — " + s.name + " (" + s.role + ")"
}

// may says whether the connected admin may do a (always on a vault file).
func (m *mainView) may(a engine.Action) bool { return m.app.me.may(a) }

// roleGate hides the controls of a view that the admin's role may not
// use (greyed-out buttons read almost as enabled ones here, see theme.go)
// and says in one line, where they would be, what is missing and why.
type roleGate struct {
	m      *mainView
	hidden []engine.Action
	note   *widget.Label
}

// gates starts a view's role gate; put its note where the controls are.
func (m *mainView) gates() *roleGate {
	g := &roleGate{m: m, note: faint("")}
	g.note.Hide()
	return g
}

// need hides the controls when the admin may not do a.
func (g *roleGate) need(a engine.Action, controls ...fyne.CanvasObject) {
	if g.m.may(a) {
		return
	}
	for _, c := range controls {
		c.Hide()
	}
	g.hidden = append(g.hidden, a)
	g.note.SetText(g.m.app.me.why(g.hidden...))
	g.note.Show()
}

// enableIf enables w when can holds, and disables it otherwise, unless
// the admin may not do a: then it stays hidden (roleGate).
func (m *mainView) enableIf(w fyne.Disableable, a engine.Action, can bool) {
	switch {
	case !m.may(a):
	case can:
		w.Enable()
	default:
		w.Disable()
	}
}

// permitted is f, or when the admin may not do a, a func that says why in
// the status line (for keyboard shortcuts, which cannot be greyed out).
func (m *mainView) permitted(a engine.Action, f func()) func() {
	if m.may(a) {
		return f
	}
	return func() { m.app.toast(m.app.me.why(a)) }
}

// item is a menu item for a, greyed out when the admin may not do it.
func (u *App) item(label string, a engine.Action, f func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, f)
	it.Disabled = !u.me.may(a)
	return it
}

// roleNote is the line at the top of the window that says who is signed
// in to a team vault and what their role leaves out; hidden on a file.
func (m *mainView) roleNote() *widget.Label {
	l := widget.NewLabel(m.app.me.summary())
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	if !m.app.me.team() || m.app.me.role == engine.RoleOwner {
		l.Importance = widget.MediumImportance
	}
	if !m.app.me.team() {
		l.Hide()
	}
	return l
}
