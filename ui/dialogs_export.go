package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/export"
)

var formatHelp = []struct {
	format export.Format
	label  string
}{
	{export.P12, "PKCS#12 (.p12) — key and certificate for a person: browsers, phones, keychains"},
	{export.PEM, "Certificate, PEM — for servers and anything that reads PEM"},
	{export.DER, "Certificate, DER (.der) — Windows and Java tools"},
	{export.Bundle, "Certificate + key, PEM — for curl -E and Python"},
	{export.Key, "Private key, PKCS#8 PEM (encrypted when a password is given)"},
	{export.Chain, "Certificate and its CA chain, PEM"},
}

var presetLabels = map[export.Preset]string{
	export.Compatible: "For macOS, Windows, Android, iOS and browsers (compatible)",
	export.Modern:     "Modern AES-256 (OpenSSL 3, Java 17+, Firefox; older systems may refuse it)",
}

// presetChoice offers the PKCS#12 presets, compatible first and chosen.
func presetChoice() *widget.RadioGroup {
	r := widget.NewRadioGroup([]string{presetLabels[export.Compatible], presetLabels[export.Modern]}, nil)
	r.SetSelected(presetLabels[export.Compatible])
	return r
}

// presetOf is the preset a presetChoice shows as chosen.
func presetOf(r *widget.RadioGroup) export.Preset {
	if r.Selected == presetLabels[export.Modern] {
		return export.Modern
	}
	return export.Compatible
}

// exportCertificate asks for a format (and for PKCS#12 a preset and a
// password), then a place to save.
func (m *mainView) exportCertificate(r engine.Record) {
	var labels []string
	for _, f := range formatHelp {
		if f.format.Secret() && (!r.HasKey || !m.may(engine.ActExportKey)) {
			continue
		}
		labels = append(labels, f.label)
	}
	formats := widget.NewRadioGroup(labels, nil)
	presets := presetChoice()
	password := widget.NewEntry()
	password.SetPlaceHolder("password")
	generate := widget.NewButtonWithIcon("Generate", theme.ViewRefreshIcon(), func() { password.SetText(export.GeneratePassword()) })
	copyPassword := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { m.copyText(password.Text, "Password") })
	passwordRow := container.NewBorder(nil, nil, nil, container.NewHBox(generate, copyPassword), password)
	passwordHint := widget.NewLabel("")
	passwordHint.Wrapping = fyne.TextWrapWord
	passwordHint.Importance = widget.LowImportance
	p12Box := container.NewVBox(widget.NewLabelWithStyle("Encryption", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), presets)
	formats.OnChanged = func(label string) {
		f := formatOf(label)
		p12Box.Hidden = f != export.P12
		switch f {
		case export.P12:
			if password.Text == "" {
				password.SetText(export.GeneratePassword())
			}
			passwordHint.SetText("A PKCS#12 file always has a password. Hand it over separately from the file.")
			passwordRow.Show()
		case export.Key, export.Bundle:
			passwordHint.SetText("Leave the password empty for a plain key file, or set one to encrypt the key (AES-256).")
			passwordRow.Show()
		default:
			passwordHint.SetText("Certificates are public: no password is needed.")
			passwordRow.Hide()
		}
		p12Box.Refresh()
	}
	formats.SetSelected(labels[0])
	if !r.HasKey {
		formats.SetSelected(formatHelp[1].label)
	}
	content := container.NewVBox(
		widget.NewLabelWithStyle("Format", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), formats,
		p12Box, passwordRow, passwordHint)
	if why := m.app.me.why(engine.ActExportKey); why != "" && r.HasKey {
		content.Add(faint(why)) // where the key's formats would be
	}
	d := dialog.NewCustomConfirm("Export "+r.CommonName, "Save…", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		f := formatOf(formats.Selected)
		preset := presetOf(presets)
		pw := password.Text
		if f == export.P12 && pw == "" {
			pw = export.GeneratePassword()
		}
		m.saveExport(r, f, export.Options{Password: pw, Preset: preset})
	}, m.app.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
}

// saveExport asks where to save, then encodes and writes in the background.
func (m *mainView) saveExport(r engine.Record, f export.Format, opts export.Options) {
	m.app.picker.Save("Export "+r.CommonName, export.FileStem(r.CommonName)+f.Extension(), func(path string) {
		if path == "" {
			return
		}
		j := m.app.jobs()
		backgroundErr(m.app, "The export was not written", func() error { return j.writeExport(r, f, opts, path) }, func() {
			m.showExported(path, f, opts.Password)
		})
	})
}

func formatOf(label string) export.Format {
	for _, f := range formatHelp {
		if f.label == label {
			return f.format
		}
	}
	return export.PEM
}

func (m *mainView) showExported(path string, f export.Format, password string) {
	text := widget.NewLabel(fmt.Sprintf("Saved %s.", path))
	text.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(text)
	if f == export.P12 || (password != "" && (f == export.Key || f == export.Bundle)) {
		pw := widget.NewLabelWithStyle(password, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		pw.Selectable = true
		copyButton := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { m.copyText(password, "Password") })
		content.Add(widget.NewLabel("Password (shown once — hand it over separately):"))
		content.Add(container.NewBorder(nil, nil, nil, copyButton, pw))
	}
	d := dialog.NewCustom("Exported", "Done", content, m.app.win)
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	d.Show()
	m.app.toast("Saved " + path)
}
