package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/plain"
)

// caPanel is the left side: the CAs and their actions.
func (m *mainView) caPanel() fyne.CanvasObject {
	m.caList = widget.NewList(
		func() int { return len(m.cas) + 1 + len(m.tree.pending) },
		newCAItem,
		m.updateCAItem,
	)
	m.caList.OnSelected = m.caSelected
	m.caInfo = widget.NewLabel("")
	m.caInfo.Wrapping = fyne.TextWrapWord
	m.crlInfo = widget.NewLabel("")
	m.crlInfo.Wrapping = fyne.TextWrapWord
	newCA := widget.NewButtonWithIcon("New CA", theme.ContentAddIcon(), m.createCA)
	importCA := widget.NewButtonWithIcon("Import CA", theme.DownloadIcon(), m.importCA)
	publish := widget.NewButtonWithIcon("Publish CRL…", theme.DocumentSaveIcon(), m.publishCRL)
	m.publish = publish
	configure := widget.NewButtonWithIcon("Configure a server…", theme.ComputerIcon(), m.configureServer)
	m.install = widget.NewButtonWithIcon("Install its certificate…", theme.DocumentIcon(), m.installCACert)
	m.install.Importance = widget.HighImportance
	m.install.Hide()
	g := m.gates()
	g.need(engine.ActSignCRL, publish)
	g.need(engine.ActExportKey, configure)
	g.need(engine.ActManageCAs, newCA, importCA)
	var more *widget.Button
	more = widget.NewButtonWithIcon("More…", theme.MoreVerticalIcon(), func() { m.showMoreMenu(more) })
	caHeader := widget.NewLabelWithStyle("Certificate authorities", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(caHeader,
		container.NewVBox(widget.NewSeparator(), m.caInfo, m.crlInfo, m.install, publish, configure, container.NewGridWithColumns(2, newCA, importCA), g.note, more),
		nil, nil, m.caList)
}

// showMoreMenu opens the CA panel's menu of rarer actions below button.
func (m *mainView) showMoreMenu(button *widget.Button) {
	menu := fyne.NewMenu("", m.moreMenu()...)
	c := fyne.CurrentApp().Driver().CanvasForObject(button)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(button)
	widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, button.Size().Height)))
}

// moreMenu are the CA panel's rarer actions.
func (m *mainView) moreMenu() []*fyne.MenuItem {
	u := m.app
	return []*fyne.MenuItem{
		u.item("New issuing CA under the selected CA…", engine.ActManageCAs, m.createIntermediate),
		u.item("Request a CA from an offline root…", engine.ActManageCAs, m.requestCA),
		u.item("Install the signed certificate of a waiting CA…", engine.ActManageCAs, m.installCACert),
		u.item("Sign an intermediate CA from a CSR…", engine.ActManageCAs, m.signIntermediate),
		u.item("Issuance profiles…", engine.ActRead, m.showProfiles),
		fyne.NewMenuItemSeparator(),
		u.item("Trust a CA (certificate only)…", engine.ActManageCAs, m.trustCA),
		u.item("CA expiry reminder…", engine.ActRead, m.caReminder),
		u.item("Export as easy-rsa folder…", engine.ActExportKey, m.exportEasyRSA),
		u.item("Import easy-rsa / openssl ca folder…", engine.ActManageCAs, func() { m.importPKI(true) }),
		u.item("Import XCA PEM export…", engine.ActManageCAs, func() { m.importPKI(false) }),
	}
}

// showCAInfo describes the selected CA and its CRL; the count of what it
// issued is read in the background.
func (m *mainView) showCAInfo() {
	if m.showPendingInfo() {
		return
	}
	ca, ok := m.currentCA()
	m.table.canIssue(!ok || !ca.TrustOnly())
	if !ok || m.caID == 0 && len(m.cas) != 1 {
		m.caInfo.SetText(fmt.Sprintf("%d CA(s) in this vault.", len(m.cas)))
		m.crlInfo.SetText("")
		return
	}
	m.enableIf(m.publish, engine.ActSignCRL, !ca.TrustOnly())
	m.showCRL(ca, 0)
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		n, err := j.issuedBy(ca)
		stale, staleErr := j.revokedSinceCRL(ca)
		return func() {
			if cur, ok := m.currentCA(); err == nil && ok && cur.ID == ca.ID {
				m.caInfo.SetText(caInfoText(ca, m.cas, n) + m.hierarchyText(ca))
				if staleErr == nil {
					m.showCRL(ca, stale)
				}
			}
		}
	})
}

// showCRL says how the CA's CRL stands: none, valid until, expiring,
// expired, or out of date because stale certificates were revoked since.
func (m *mainView) showCRL(ca engine.CA, stale int) {
	crl := certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, m.app.jobs().now())
	text := "CRL: " + crlText(crl)
	if stale > 0 && crl.State != "none" {
		text = fmt.Sprintf("CRL #%d is out of date: %s revoked since it was published. Publish a new one.", crl.Number, plural(stale, "certificate"))
	}
	m.crlInfo.SetText(text)
	switch {
	case crl.State == "expired":
		m.crlInfo.Importance = widget.DangerImportance
	case crl.State == "expiring" || stale > 0 && crl.State != "none":
		m.crlInfo.Importance = widget.WarningImportance
	default:
		m.crlInfo.Importance = widget.MediumImportance
	}
	m.crlInfo.Refresh()
}

// caInfoText describes a CA: its name, key, life, what is special about
// it, and how many certificates it issued.
func caInfoText(ca engine.CA, cas []engine.CA, issued int) string {
	text := fmt.Sprintf("%s\n%s, valid until %s", ca.Cert.Subject, ca.Cert.KeyType, plain.Date(ca.Cert.NotAfter))
	if mark := caMark(ca, cas); mark != "" {
		text += "\n" + capitalise(mark) + "."
	}
	if ca.TrustOnly() {
		return text + "\nCertdesk holds its certificate, not its key: the test server trusts it; it cannot issue here."
	}
	return text + fmt.Sprintf("\n%d certificate(s) issued", issued)
}
func crlText(s *certinfo.CRLState) string {
	switch s.State {
	case "none":
		return "none published yet"
	case "expired":
		return fmt.Sprintf("#%d EXPIRED on %s — servers using it refuse everyone. Publish a new one.", s.Number, plain.DateTime(s.NextUpdate))
	case "expiring":
		return fmt.Sprintf("#%d expires on %s — publish a new one soon.", s.Number, plain.DateTime(s.NextUpdate))
	}
	return fmt.Sprintf("#%d, valid until %s", s.Number, plain.Date(s.NextUpdate))
}
