package mtls

import (
	"crypto/tls"
	"fmt"
	"html/template"
	"strings"

	"certdesk/core/certinfo"
	"certdesk/core/plain"
	"certdesk/core/verdict"
)

// pageData is what page.html shows: all of it already in plain words.
type pageData struct {
	Kind      string // ok, anonymous or bad: the banner's colour
	Title     string
	Heading   string
	Lead      string
	Checklist *Checklist
	Advice    string
	Info      *certinfo.Info
	ValidFrom string
	ValidTo   string
	Status    int
	StatusIs  string
	Mode      Mode
	ModeIs    string
	Code      verdict.Code
	Nginx     string
	TLS       string
	Today     string
	HowTo     string
	// ImportSteps say how to import a certificate, for a browser that sent none.
	ImportSteps []string
	// IssuerNote warns beside the issuer's name that it is a look-alike.
	IssuerNote string
}

// wrapAtColons lets a fingerprint or key ID wrap only between its bytes.
func wrapAtColons(s string) template.HTML {
	parts := strings.Split(s, ":")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, ":<wbr>")) //nolint:gosec // every part is escaped
}

func newPageData(j judged, status int, mode Mode, cs *tls.ConnectionState) pageData {
	res := j.result
	d := pageData{Kind: "bad", Checklist: j.checklist, Info: res.Info, Status: status, StatusIs: plain.Status(status),
		Mode: mode, ModeIs: plain.Mode(string(mode)), Code: res.Verdict, Nginx: res.NginxVerify, Today: plain.DateTime(j.checklist.Today), HowTo: plain.HowMutualTLSWorks}
	if res.Info != nil {
		d.ValidFrom, d.ValidTo = plain.DateTime(res.NotBefore), plain.DateTime(res.NotAfter)
	}
	if cs != nil {
		d.TLS = tls.VersionName(cs.Version) + ", " + cipherName(cs.CipherSuite)
	}
	switch {
	case res.Verdict.Allowed():
		d.Kind, d.Title = "ok", "Welcome"
		d.Heading = fmt.Sprintf("Welcome, %s — you are let in", res.CommonName)
		d.Lead = "Your browser presented your certificate, and this server checked it step by step:"
	case res.Verdict == verdict.NoCertificate && status < 400:
		d.Kind, d.Title = "anonymous", "Welcome, anonymous visitor"
		d.Heading = "Welcome, anonymous visitor"
		d.Lead = "This server is in optional mode: visitors without a certificate are welcome, it just does not know who you are. " +
			"With a certificate in your browser, this page would greet you by name."
	default:
		d.Title = plain.Heading(res.Verdict)
		d.Heading = plain.Heading(res.Verdict)
		d.Lead = "The server checked the connection step by step; the step that failed is marked ✗ below."
		if res.Info != nil {
			d.Lead = fmt.Sprintf("Your browser sent the certificate of %q. The server checked it step by step; the step that failed is marked ✗ below.", res.CommonName)
		}
		if step := j.checklist.FailedStep(); step != nil && step.Compare != nil {
			d.IssuerNote = "a look-alike: not the CA of that name this server trusts"
		}
		d.Advice = plain.Advice(res.Verdict)
		if res.Verdict == verdict.NoCertificate {
			d.ImportSteps = plain.ImportSteps
		}
	}
	return d
}
