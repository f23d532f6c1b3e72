package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
)

// tab names a tab of the main view.
type tab int

const (
	tabCertificates tab = iota
	tabServer
)

// mainView is the window once a vault is open: CAs on the left, the
// certificates in the middle, the selected one on the right, and the test
// server in a second tab.
type mainView struct {
	app      *App
	content  fyne.CanvasObject
	tabs     *container.AppTabs
	tabItems map[tab]*container.TabItem

	cas        []engine.CA
	tree       caTree // cas with their place in the hierarchy, and pending CAs
	pendingSel string // the pending CA selected in the list, "" for none
	caList     *widget.List
	caID       int64 // selected CA, 0 for all
	caRow      int   // the CA list's highlighted row (0: all certificates)
	caInfo     *widget.Label
	crlInfo    *widget.Label
	publish    *widget.Button
	install    *widget.Button // shown when a pending CA is selected
	emptyBox   *fyne.Container

	status *widget.Label
	live   *follower // other admins' changes to a team vault
	table  *certTable
	detail *detailPane
	server *serverTab
}

func newMainView(u *App) *mainView {
	m := &mainView{app: u}
	m.table = newCertTable(m)
	m.detail = newDetailPane(m)
	m.server = newServerTab(m)
	m.emptyBox = m.emptyState()
	middle := container.NewStack(m.table.content, centred(m.emptyBox, 520))
	right := container.NewHSplit(middle, m.detail.content)
	right.Offset = 0.64
	split := container.NewHSplit(m.caPanel(), right)
	split.Offset = 0.18
	m.tabItems = map[tab]*container.TabItem{
		tabCertificates: container.NewTabItemWithIcon("Certificates", theme.DocumentIcon(), split),
		tabServer:       container.NewTabItemWithIcon("Test server", theme.ComputerIcon(), m.server.content),
	}
	m.tabs = container.NewAppTabs(m.tabItems[tabCertificates], m.tabItems[tabServer])
	m.status = widget.NewLabel("")
	m.status.Importance = widget.LowImportance
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.content = container.NewBorder(m.roleNote(), m.status, nil, nil, m.tabs)
	return m
}

// showTab brings a tab to the front.
func (m *mainView) showTab(t tab) { m.tabs.Select(m.tabItems[t]) }

// emptyState is what a vault without a CA shows in the middle.
func (m *mainView) emptyState() *fyne.Container {
	createFirst := widget.NewButtonWithIcon("Create my CA", theme.ContentAddIcon(), m.createCA)
	createFirst.Importance = widget.HighImportance
	importFirst := widget.NewButtonWithIcon("Import a CA", theme.DownloadIcon(), m.importCA)
	importFolder := widget.NewButtonWithIcon("Import an easy-rsa folder", theme.FolderOpenIcon(), func() { m.importPKI(true) })
	importXCA := widget.NewButtonWithIcon("Import an XCA export", theme.FileIcon(), func() { m.importPKI(false) })
	g := m.gates()
	g.need(engine.ActManageCAs, createFirst, importFirst, importFolder, importXCA)
	emptyText := widget.NewLabel("This vault has no certificate authority yet. A CA signs the certificates you give to people; " +
		"create one here, or import the one you already use (from openssl, easy-rsa or XCA).")
	emptyText.Wrapping = fyne.TextWrapWord
	return container.NewVBox(widget.NewLabelWithStyle("Start with a CA", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		emptyText, container.NewGridWithColumns(2, createFirst, importFirst), container.NewGridWithColumns(2, importFolder, importXCA), g.note)
}

// reload reads the CAs again in the background and refreshes every view;
// then (when not nil) calls then.
func (m *mainView) reload() { m.reloadThen(nil) }

func (m *mainView) reloadThen(then func()) {
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		tree, err := j.caTree()
		return func() {
			if err != nil {
				m.app.showError("Reading the CAs", err)
				return
			}
			m.showCAs(tree)
			if then != nil {
				then()
			}
		}
	})
}

// showCAs shows a fresh list of CAs, the empty state when there is none,
// and refreshes the views that depend on them.
func (m *mainView) showCAs(tree caTree) {
	m.applyTree(tree)
	m.table.reset()
	m.server.try.refreshChoices()
}

// applyTree shows the CAs, or the empty state when there is none, and
// what the CA panel says of the selected one.
func (m *mainView) applyTree(tree caTree) {
	m.cas, m.tree = tree.cas, tree
	m.sizePendingRows()
	m.caList.Refresh()
	m.keepCAHighlight()
	if len(tree.cas) == 0 && len(tree.pending) == 0 {
		m.emptyBox.Show()
		m.table.content.Hide()
	} else {
		m.emptyBox.Hide()
		m.table.content.Show()
	}
	m.showCAInfo()
	m.server.lifecycle.refreshCAs()
}

// selectCA selects a CA in the side list.
func (m *mainView) selectCA(id int64) {
	for i, ca := range m.cas {
		if ca.ID == id {
			m.caList.Unselect(i + 1) // the row may hold another CA than when selected (a pending one installed)
			m.caList.Select(i + 1)
			return
		}
	}
}

// currentCA is the selected CA; ok is false for "all certificates".
func (m *mainView) currentCA() (engine.CA, bool) {
	for _, ca := range m.cas {
		if ca.ID == m.caID {
			return ca, true
		}
	}
	if len(m.cas) == 1 {
		return m.cas[0], true
	}
	return engine.CA{}, false
}

// certificateChanged refreshes the views after a certificate was issued,
// revoked or renewed, and selects it.
func (m *mainView) certificateChanged(id int64) {
	m.table.selected = id
	m.reloadKeepingSelection()
}

// reloadKeepingSelection reads the CAs again and refreshes the views; the
// table selects its selected record again when it is still there.
func (m *mainView) reloadKeepingSelection() {
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		tree, err := j.caTree()
		return func() {
			if err == nil {
				m.cas, m.tree = tree.cas, tree
				m.sizePendingRows()
				m.caList.Refresh()
			}
			m.emptyBox.Hide()
			m.table.content.Show()
			m.showCAInfo()
			m.table.reset()
			m.server.refreshCAs()
		}
	})
}
