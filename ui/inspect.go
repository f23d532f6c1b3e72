package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/inspect"
	"certdesk/core/pki"
	"certdesk/core/plain"
	"certdesk/core/verdict"
)

// dropped inspects files dropped on the window.
func (u *App) dropped(uris []fyne.URI) {
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			u.inspectFile(uri.Path())
		}
	}
}

// chooseAndInspect asks for a file and inspects it.
func (u *App) chooseAndInspect() {
	u.picker.Open("Inspect a certificate, CSR, CRL, key or PKCS#12 file", func(p string) {
		if p != "" {
			u.inspectFile(p)
		}
	})
}

// inspectFile explains a file and, for certificates, checks them against
// the vault's CAs, in the background. An encrypted file asks for its
// password.
func (u *App) inspectFile(path string) { u.inspectData(path, nil, nil) }

// inspectData inspects data (read from path when nil) with a password.
func (u *App) inspectData(path string, data, password []byte) {
	j := u.jobs()
	u.run.Run(func() func() {
		res, err := j.inspectFile(path, data, password)
		return func() { u.showInspected(path, res, password, err) }
	})
}

func (u *App) showInspected(path string, res engine.Inspection, password []byte, err error) {
	if errors.Is(err, pki.ErrPasswordNeeded) || (errors.Is(err, pki.ErrWrongPassword) && password != nil) {
		u.askInspectPassword(path, res.Data, password != nil)
		return
	}
	if err != nil {
		u.showError("Inspecting "+filepath.Base(path), err)
		return
	}
	body := widget.NewLabel(judgedText(res.Judged) + u.describeItems(res.Items))
	body.Wrapping = fyne.TextWrapWord
	body.Selectable = true
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(620, 420))
	dialog.NewCustom(filepath.Base(path), "Close", scroll, u.win).Show()
}

func (u *App) askInspectPassword(path string, data []byte, wrong bool) {
	entry := widget.NewPasswordEntry()
	prompt := "This file is encrypted. Its password:"
	if wrong {
		prompt = "That password is wrong. Try again:"
	}
	dialog.ShowForm("Password for "+filepath.Base(path), "Open", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("", widget.NewLabel(prompt)), widget.NewFormItem("Password", entry)},
		func(ok bool) {
			if ok {
				u.inspectData(path, data, []byte(entry.Text))
			}
		}, u.win)
}

// judgedText says what the vault's CAs make of a client certificate.
func judgedText(res *verdict.Result) string {
	if res == nil {
		return ""
	}
	return fmt.Sprintf("Checked against this vault's CAs: %s\n%s\n\n", strings.ToUpper(string(res.Verdict)), strings.Join(res.Details, "\n"))
}

// describeItems writes what a file holds, with the judge's verdict for each
// certificate against the vault's CAs.
func (u *App) describeItems(items []inspect.Item) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("\n")
		}
		switch {
		case it.Certificate != nil:
			c := it.Certificate
			fmt.Fprintf(&b, "CERTIFICATE  %s\n", c.CommonName)
			fmt.Fprintf(&b, "Subject: %s\nIssuer: %s\nSerial: %s (decimal %s)\nValid: %s – %s (%s)\nKey: %s\n",
				c.Subject, c.Issuer, c.Serial, c.SerialDecimal, plain.Date(c.NotBefore), plain.Date(c.NotAfter), statusLabel(c.Status), c.KeyType)
			if len(c.Emails)+len(c.DNSNames)+len(c.IPAddresses) > 0 {
				fmt.Fprintf(&b, "Names: %s\n", strings.Join(append(append(append([]string{}, c.Emails...), c.DNSNames...), c.IPAddresses...), ", "))
			}
			fmt.Fprintf(&b, "Usage: %s; %s\nCA: %v\nSHA-256: %s\nSHA-1: %s\n", strings.Join(c.KeyUsage, ", "), strings.Join(c.ExtKeyUsage, ", "), c.IsCA, c.FingerprintSHA256, c.FingerprintSHA1)
		case it.CSR != nil:
			r := it.CSR
			sig := "valid"
			if !r.SignatureValid {
				sig = "INVALID: " + r.SignatureProblem
			}
			fmt.Fprintf(&b, "CERTIFICATE SIGNING REQUEST  %s\nSubject: %s\nKey: %s\nE-mail: %s\nDNS: %s\nSignature: %s\n",
				r.CommonName, r.Subject, r.KeyType, strings.Join(r.Emails, ", "), strings.Join(r.DNSNames, ", "), sig)
		case it.CRL != nil:
			r := it.CRL
			fmt.Fprintf(&b, "CRL  #%s of %s\nThis update: %s\nNext update: %s\nRevoked: %d\n", r.Number, r.Issuer, plain.DateTime(r.ThisUpdate), plain.DateTime(r.NextUpdate), len(r.Revoked))
			if r.Expired {
				b.WriteString("EXPIRED: servers using this CRL refuse every client. Publish a new one.\n")
			}
		case it.Key != nil:
			r := it.Key
			fmt.Fprintf(&b, "%s  %s\nEncrypted: %v\nPublic key SHA-256: %s\n", strings.ToUpper(strings.ReplaceAll(r.Kind, "_", " ")), r.KeyType, r.Encrypted, r.PublicKeySHA256)
			if r.MatchesCertificate != "" {
				fmt.Fprintf(&b, "Belongs to the certificate of %s in this file.\n", certinfo.Clean(r.MatchesCertificate))
			}
		}
	}
	return b.String()
}
