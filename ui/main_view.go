package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/vault"
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

	cas      []vault.CA
	caList   *widget.List
	caID     int64 // selected CA, 0 for all
	caInfo   *widget.Label
	crlInfo  *widget.Label
	emptyBox *fyne.Container

	status *widget.Label
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
	m.content = container.NewBorder(nil, m.status, nil, nil, m.tabs)
	return m
}

// showTab brings a tab to the front.
func (m *mainView) showTab(t tab) { m.tabs.Select(m.tabItems[t]) }

// caPanel is the left side: the CAs and their actions.
func (m *mainView) caPanel() fyne.CanvasObject {
	m.caList = widget.NewList(
		func() int { return len(m.cas) + 1 },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, widget.NewLabel("CA name placeholder"))
		},
		m.updateCAItem,
	)
	m.caList.OnSelected = func(i widget.ListItemID) {
		if i == 0 {
			m.caID = 0
		} else if i-1 < len(m.cas) {
			m.caID = m.cas[i-1].ID
		}
		m.showCAInfo()
		m.table.reset()
	}
	m.caInfo = widget.NewLabel("")
	m.caInfo.Wrapping = fyne.TextWrapWord
	m.crlInfo = widget.NewLabel("")
	m.crlInfo.Wrapping = fyne.TextWrapWord
	newCA := widget.NewButtonWithIcon("New CA", theme.ContentAddIcon(), m.createCA)
	importCA := widget.NewButtonWithIcon("Import CA", theme.DownloadIcon(), m.importCA)
	publish := widget.NewButtonWithIcon("Publish CRL…", theme.DocumentSaveIcon(), m.publishCRL)
	configure := widget.NewButtonWithIcon("Configure a server…", theme.ComputerIcon(), m.configureServer)
	var more *widget.Button
	more = widget.NewButtonWithIcon("More…", theme.MoreVerticalIcon(), func() { m.showMoreMenu(more) })
	caHeader := widget.NewLabelWithStyle("Certificate authorities", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(caHeader,
		container.NewVBox(widget.NewSeparator(), m.caInfo, m.crlInfo, publish, configure, container.NewGridWithColumns(2, newCA, importCA), more),
		nil, nil, m.caList)
}

func (m *mainView) updateCAItem(i widget.ListItemID, o fyne.CanvasObject) {
	label := o.(*fyne.Container).Objects[0].(*widget.Label)
	icon := o.(*fyne.Container).Objects[1].(*widget.Icon)
	if i == 0 {
		label.SetText("All certificates")
		icon.SetResource(theme.ListIcon())
		return
	}
	label.SetText(certinfo.Clean(m.cas[i-1].Name))
	icon.SetResource(theme.AccountIcon())
}

// showMoreMenu opens the CA panel's menu of rarer actions below button.
func (m *mainView) showMoreMenu(button *widget.Button) {
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("CA expiry reminder…", m.caReminder),
		fyne.NewMenuItem("Export as easy-rsa folder…", m.exportEasyRSA),
		fyne.NewMenuItem("Import easy-rsa / openssl ca folder…", func() { m.importPKI(true) }),
		fyne.NewMenuItem("Import XCA PEM export…", func() { m.importPKI(false) }),
	)
	c := fyne.CurrentApp().Driver().CanvasForObject(button)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(button)
	widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, button.Size().Height)))
}

// emptyState is what a vault without a CA shows in the middle.
func (m *mainView) emptyState() *fyne.Container {
	createFirst := widget.NewButtonWithIcon("Create my CA", theme.ContentAddIcon(), m.createCA)
	createFirst.Importance = widget.HighImportance
	importFirst := widget.NewButtonWithIcon("Import a CA", theme.DownloadIcon(), m.importCA)
	importFolder := widget.NewButtonWithIcon("Import an easy-rsa folder", theme.FolderOpenIcon(), func() { m.importPKI(true) })
	importXCA := widget.NewButtonWithIcon("Import an XCA export", theme.FileIcon(), func() { m.importPKI(false) })
	emptyText := widget.NewLabel("This vault has no certificate authority yet. A CA signs the certificates you give to people; " +
		"create one here, or import the one you already use (from openssl, easy-rsa or XCA).")
	emptyText.Wrapping = fyne.TextWrapWord
	return container.NewVBox(widget.NewLabelWithStyle("Start with a CA", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		emptyText, container.NewGridWithColumns(2, createFirst, importFirst), container.NewGridWithColumns(2, importFolder, importXCA))
}

// reload reads the CAs again in the background and refreshes every view;
// then (when not nil) calls then.
func (m *mainView) reload() { m.reloadThen(nil) }

func (m *mainView) reloadThen(then func()) {
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		cas, err := j.cas()
		return func() {
			if err != nil {
				m.app.showError("Reading the CAs", err)
				return
			}
			m.showCAs(cas)
			if then != nil {
				then()
			}
		}
	})
}

// showCAs shows a fresh list of CAs, the empty state when there is none,
// and refreshes the views that depend on them.
func (m *mainView) showCAs(cas []vault.CA) {
	m.cas = cas
	m.caList.Refresh()
	if len(cas) == 0 {
		m.emptyBox.Show()
		m.table.content.Hide()
	} else {
		m.emptyBox.Hide()
		m.table.content.Show()
	}
	m.showCAInfo()
	m.table.reset()
	m.server.refreshCAs()
}

// selectCA selects a CA in the side list.
func (m *mainView) selectCA(id int64) {
	for i, ca := range m.cas {
		if ca.ID == id {
			m.caList.Select(i + 1)
			return
		}
	}
}

// currentCA is the selected CA; ok is false for "all certificates".
func (m *mainView) currentCA() (vault.CA, bool) {
	for _, ca := range m.cas {
		if ca.ID == m.caID {
			return ca, true
		}
	}
	if len(m.cas) == 1 {
		return m.cas[0], true
	}
	return vault.CA{}, false
}

func (m *mainView) showCAInfo() {
	ca, ok := m.currentCA()
	if !ok || m.caID == 0 && len(m.cas) != 1 {
		m.caInfo.SetText(fmt.Sprintf("%d CA(s) in this vault.", len(m.cas)))
		m.crlInfo.SetText("")
		return
	}
	crl := certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, m.app.jobs().now())
	m.crlInfo.SetText("CRL: " + crlText(crl))
	switch crl.State {
	case "expired":
		m.crlInfo.Importance = widget.DangerImportance
	case "expiring":
		m.crlInfo.Importance = widget.WarningImportance
	default:
		m.crlInfo.Importance = widget.MediumImportance
	}
	m.crlInfo.Refresh()
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		n, err := j.issuedCount(ca.ID)
		return func() {
			if cur, ok := m.currentCA(); err == nil && ok && cur.ID == ca.ID {
				m.caInfo.SetText(fmt.Sprintf("%s\n%s, valid until %s\n%d certificate(s) issued",
					ca.Cert.Subject, ca.Cert.KeyType, ca.Cert.NotAfter.Format("2 Jan 2006"), n))
			}
		}
	})
}

func crlText(s *certinfo.CRLState) string {
	switch s.State {
	case "none":
		return "none published yet"
	case "expired":
		return fmt.Sprintf("#%d EXPIRED on %s — servers using it refuse everyone. Publish a new one.", s.Number, s.NextUpdate.Format("2 Jan 2006 15:04"))
	case "expiring":
		return fmt.Sprintf("#%d expires on %s — publish a new one soon.", s.Number, s.NextUpdate.Format("2 Jan 2006 15:04"))
	}
	return fmt.Sprintf("#%d, valid until %s", s.Number, s.NextUpdate.Format("2 Jan 2006"))
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
		cas, err := j.cas()
		return func() {
			if err == nil {
				m.cas = cas
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
