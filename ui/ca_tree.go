package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/plain"
)

// treeIndent is how far an issuing CA stands in from its parent.
const treeIndent = 18

// newCAItem is one row of the CA tree: an indent, an icon and the name.
func newCAItem() fyne.CanvasObject {
	indent := canvas.NewRectangle(color.Transparent)
	label := widget.NewLabel("CA name placeholder")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewHBox(indent, widget.NewIcon(theme.AccountIcon())), nil, label)
}

// sizePendingRows gives the pending CAs' rows room for their second line,
// and every other row one line (a row that was pending may hold a CA now).
func (m *mainView) sizePendingRows() {
	one := newCAItem().MinSize().Height
	two := one + widget.NewLabel("two\nlines").MinSize().Height - widget.NewLabel("one").MinSize().Height
	for i := range len(m.cas) + 1 + len(m.tree.pending) {
		h := one
		if i > len(m.cas) {
			h = two
		}
		m.caList.SetItemHeight(i, h)
	}
}

// caRow is what one row of the CA list shows.
type caRow struct {
	text  string
	icon  fyne.Resource
	depth int
}

// caRowAt is row i: all certificates, a CA of the tree, or a pending CA.
func (m *mainView) caRowAt(i int) caRow {
	if i == 0 {
		return caRow{text: "All certificates", icon: theme.ListIcon()}
	}
	if i-1 < len(m.cas) {
		ca := m.cas[i-1]
		row := caRow{text: certinfo.Clean(ca.Name), icon: theme.AccountIcon(), depth: m.tree.nodes[ca.ID].Depth}
		if row.depth > 0 {
			row.icon = theme.NavigateNextIcon() // an issuing CA, under the row above it
		}
		if _, ok := lookalikeOf(ca, m.cas); ok {
			row.icon = theme.WarningIcon() // its name says which; the info below says why
		} else if ca.TrustOnly() {
			row.text += " (trust only)"
			row.icon = theme.VisibilityIcon()
		}
		return row
	}
	if p := i - 1 - len(m.cas); p < len(m.tree.pending) {
		return caRow{text: certinfo.Clean(m.tree.pending[p].Name) + "\nwaiting for its certificate", icon: theme.HistoryIcon()}
	}
	return caRow{}
}

func (m *mainView) updateCAItem(i widget.ListItemID, o fyne.CanvasObject) {
	row := m.caRowAt(i)
	c := o.(*fyne.Container)
	left := c.Objects[1].(*fyne.Container)
	indent := left.Objects[0].(*canvas.Rectangle)
	indent.SetMinSize(fyne.NewSize(float32(row.depth*treeIndent), 1))
	if row.depth == 0 {
		indent.Hide()
	} else {
		indent.Show()
	}
	left.Objects[1].(*widget.Icon).SetResource(row.icon)
	c.Objects[0].(*widget.Label).SetText(row.text)
	left.Refresh()
	c.Refresh() // lays the row out again for the indent's width
}

// caSelected shows what row i holds: every certificate, one CA's, or a
// pending CA (which has none yet).
func (m *mainView) caSelected(i widget.ListItemID) {
	m.pendingSel, m.caRow = "", i
	switch {
	case i == 0:
		m.caID = 0
	case i-1 < len(m.cas):
		m.caID = m.cas[i-1].ID
	case i-1-len(m.cas) < len(m.tree.pending):
		m.caID = -1 // no CA's certificates: a pending CA has none
		m.pendingSel = m.tree.pending[i-1-len(m.cas)].Name
	}
	m.showCAInfo()
	m.table.reset()
}

// keepCAHighlight moves the CA list's highlight to the row that now holds
// the selected CA, when the list changed under it (another admin's CA
// came before it), without selecting it anew.
func (m *mainView) keepCAHighlight() {
	row, ok := m.selectedCARow()
	if !ok || row == m.caRow {
		return
	}
	m.caList.OnSelected = nil
	m.caList.Select(row)
	m.caList.OnSelected = m.caSelected
	m.caRow = row
}

// selectedCARow is the row of the CA list that holds the selected CA (or
// pending CA); false when it is gone.
func (m *mainView) selectedCARow() (int, bool) {
	if m.pendingSel != "" {
		for i, p := range m.tree.pending {
			if p.Name == m.pendingSel {
				return 1 + len(m.cas) + i, true
			}
		}
		return 0, false
	}
	if m.caID == 0 {
		return 0, true
	}
	for i, ca := range m.cas {
		if ca.ID == m.caID {
			return i + 1, true
		}
	}
	return 0, false
}

// showPendingInfo describes the selected pending CA.
func (m *mainView) showPendingInfo() bool {
	if m.pendingSel == "" {
		m.install.Hide()
		return false
	}
	for _, p := range m.tree.pending {
		if p.Name == m.pendingSel {
			m.caInfo.SetText(fmt.Sprintf("%s is waiting for its certificate.\nIts key is sealed in this vault; its request (CSR) was made on %s. "+
				"Have the root sign the CSR, then install the signed certificate with the root's chain.", p.Name, plain.Date(p.CreatedAt)))
			m.crlInfo.SetText("")
			if m.may(engine.ActManageCAs) {
				m.install.Show()
			}
			m.publish.Disable()
			m.table.canIssue(false)
			return true
		}
	}
	m.pendingSel = ""
	m.install.Hide()
	return false
}

// hierarchyText says where a CA stands: under which CA, how many CA
// levels it allows below, and its name constraints.
func (m *mainView) hierarchyText(ca engine.CA) string {
	n, ok := m.tree.nodes[ca.ID]
	if !ok {
		return ""
	}
	var b strings.Builder
	if n.ParentID != 0 {
		for _, p := range m.cas {
			if p.ID == n.ParentID {
				fmt.Fprintf(&b, "\nIssuing CA under %s.", p.Name)
			}
		}
	} else if ca.Cert.Issuer != ca.Cert.Subject {
		fmt.Fprintf(&b, "\nIssuing CA signed by %s, which this vault does not run: the test server needs that root trusted too (Also trust…).", ca.Cert.IssuerCommonName)
	}
	b.WriteString("\n" + pathLenText(n.PathLen))
	b.WriteString(constraintsText(n.Constraints))
	return b.String()
}

// constraintsText says a CA's name constraints in two sentences: the
// names it may issue for, and those it may not.
func constraintsText(constraints []string) string {
	var permit, exclude []string
	for _, c := range constraints {
		if v, ok := strings.CutPrefix(c, "permit "); ok {
			permit = append(permit, v)
		} else if v, ok := strings.CutPrefix(c, "exclude "); ok {
			exclude = append(exclude, v)
		}
	}
	var out string
	if len(permit) > 0 {
		out += "\nIssues only for names in " + strings.Join(permit, ", ") + " (name constraints)."
	}
	if len(exclude) > 0 {
		out += "\nNever for names in " + strings.Join(exclude, ", ") + " (name constraints)."
	}
	return out
}

// pathLenText says how many CA levels a CA allows below it.
func pathLenText(pathLen int) string {
	switch {
	case pathLen < 0:
		return "Path length: no limit (CAs may be made under it)."
	case pathLen == 0:
		return "Path length 0: it signs people and servers, no CA."
	}
	return fmt.Sprintf("Path length %d: up to %s below it.", pathLen, plural(pathLen, "level")+" of CAs")
}

// caPathLen says how many CA levels a CA certificate allows below it.
func caPathLen(info certinfo.Info) string {
	if info.PathLen == nil {
		return pathLenText(-1)
	}
	return pathLenText(*info.PathLen)
}
