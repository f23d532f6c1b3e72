package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
	"certdesk/core/onboard"
	"certdesk/core/pki"
)

// issueFromCSV onboards a team: it reads a CSV of people, shows what it
// found, asks for a folder, issues with a progress bar that can cancel,
// and reports every row that failed beside the password sheet.
func (m *mainView) issueFromCSV() {
	ca, ok := m.caForAction()
	if !ok {
		return
	}
	openAndRead(m.app, "A CSV of people: name,email[,org,ou,days]", "The CSV was not read", readPeopleCSV, func(rows []onboard.Row) {
		m.confirmBulk(ca.Name, rows, func(preset export.Preset, kt pki.KeyType) { m.askBulkFolder(ca, rows, preset, kt) })
	})
}

// askBulkFolder asks where the files go, then issues.
func (m *mainView) askBulkFolder(ca engine.CA, rows []onboard.Row, preset export.Preset, kt pki.KeyType) {
	for i := range rows {
		rows[i].Req.KeyType = kt
	}
	m.app.picker.Folder("Folder for the PKCS#12 files and the password sheet", func(dir string) {
		if dir != "" {
			m.runBulk(ca, rows, onboard.Options{OutDir: dir, Preset: preset})
		}
	})
}

// confirmBulk shows how many people will get a certificate and which rows
// will not, before anything is issued.
func (m *mainView) confirmBulk(caName string, rows []onboard.Row, next func(export.Preset, pki.KeyType)) {
	bad := 0
	for _, r := range rows {
		if r.Err != nil {
			bad++
		}
	}
	summary := widget.NewLabel(fmt.Sprintf("%d people will get a certificate from %s, each in a PKCS#12 file with its own password. "+
		"The passwords go to passwords.csv in the folder you choose next: hand them over separately from the files.", len(rows)-bad, caName))
	summary.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{summary}
	if bad > 0 {
		problems := widget.NewLabel(rowProblems(rows, 8))
		problems.Wrapping = fyne.TextWrapWord
		problems.Importance = widget.WarningImportance
		items = append(items, widget.NewLabelWithStyle(fmt.Sprintf("%d row(s) will be skipped:", bad), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), problems)
	}
	presets := presetChoice()
	key := keyTypeSelect()
	items = append(items, widget.NewForm(widget.NewFormItem("Key type", key)),
		widget.NewLabelWithStyle("PKCS#12 encryption", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), presets)
	d := dialog.NewCustomConfirm("Issue from CSV", "Choose folder…", "Cancel", container.NewVBox(items...), func(ok bool) {
		if !ok {
			return
		}
		preset := presetOf(presets)
		next(preset, pki.KeyType(key.Selected))
	}, m.app.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}

// rowProblems lists up to limit failed rows, one per line.
func rowProblems(rows []onboard.Row, limit int) string {
	var lines []string
	for _, r := range rows {
		if r.Err == nil {
			continue
		}
		if len(lines) == limit {
			lines = append(lines, "…")
			break
		}
		lines = append(lines, fmt.Sprintf("Line %d (%s): %v", r.Line, orNoName(r.Name()), r.Err))
	}
	return strings.Join(lines, "\n")
}

func orNoName(s string) string {
	if s == "" {
		return "no name"
	}
	return s
}

// runBulk issues with a progress bar; Cancel stops the signing, and then
// nothing is stored.
func (m *mainView) runBulk(ca engine.CA, rows []onboard.Row, opts onboard.Options) {
	ctx, cancel := context.WithCancel(m.app.ctx)
	bar := widget.NewProgressBar()
	stage := widget.NewLabel("Making keys and signing…")
	progress := dialog.NewCustom("Issuing from CSV", "Cancel", container.NewVBox(stage, bar), m.app.win)
	progress.SetOnClosed(cancel)
	progress.Resize(fyne.NewSize(420, progress.MinSize().Height))
	progress.Show()
	opts.Progress = func(name string, done, total int) {
		m.app.run.Do(func() {
			if name == "writing" {
				stage.SetText("Writing the PKCS#12 files…")
			}
			bar.SetValue(float64(done) / float64(max(total, 1)))
		})
	}
	j := m.app.jobs()
	m.app.run.Run(func() func() {
		rep, err := j.onboard(ctx, ca, rows, opts)
		return func() {
			progress.Hide()
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					m.app.toast("Cancelled: no certificate was issued.")
					return
				}
				m.app.showError("Nothing was issued", err)
				return
			}
			m.reloadKeepingSelection()
			m.showBulkReport(rep)
		}
	})
}

func (m *mainView) showBulkReport(rep onboard.Report) {
	text := fmt.Sprintf("Issued %d certificate(s). The PKCS#12 files and the password sheet are in:\n%s\n\nHand the passwords over separately from the files.",
		rep.Issued, rep.Sheet)
	items := []fyne.CanvasObject{}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	items = append(items, msg)
	if rep.Failed > 0 {
		var rows []onboard.Row
		for _, r := range rep.Results {
			if r.Err != nil {
				row := r.Row
				row.Err = r.Err
				rows = append(rows, row)
			}
		}
		problems := widget.NewLabel(rowProblems(rows, 12))
		problems.Wrapping = fyne.TextWrapWord
		problems.Importance = widget.WarningImportance
		items = append(items, widget.NewLabelWithStyle(fmt.Sprintf("%d row(s) were not issued:", rep.Failed), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), problems)
	}
	d := dialog.NewCustom("Team onboarded", "Close", container.NewVBox(items...), m.app.win)
	d.Resize(fyne.NewSize(520, d.MinSize().Height))
	d.Show()
}
