package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/plain"
)

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

// showCAInfo describes the selected CA and its CRL; the count of what it
// issued is read in the background.
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
					ca.Cert.Subject, ca.Cert.KeyType, plain.Date(ca.Cert.NotAfter), n))
			}
		}
	})
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
