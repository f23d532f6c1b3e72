package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/engine"
	"certdesk/core/inspect"
	"certdesk/core/verdict"
)

const dateTime = "2006-01-02 15:04:05 MST"

func printInfo(out io.Writer, info certinfo.Info) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%s\t%s\n", k, clip(v, maxLineRunes))
		}
	}
	if info.ID != 0 {
		row("ID", fmt.Sprint(info.ID))
		row("Version", fmt.Sprint(info.Version))
	}
	row("Kind", info.Kind)
	row("CA", certinfo.Clean(info.CA))
	row("Common name", info.CommonName)
	row("Subject", info.Subject)
	row("Issuer", info.Issuer)
	row("Serial", info.Serial)
	row("Serial (decimal)", info.SerialDecimal)
	row("Valid from", info.NotBefore.Format(dateTime))
	row("Valid until", fmt.Sprintf("%s  (%s)", info.NotAfter.Format(dateTime), daysLeft(info.DaysLeft)))
	row("Status", string(info.Status))
	if info.Revocation != nil {
		by := ""
		if info.Revocation.By != "" {
			by = ", by " + info.Revocation.By
		}
		row("Revoked", fmt.Sprintf("%s, reason %s%s", info.Revocation.Time.Format(dateTime), info.Revocation.Reason, by))
	}
	if info.CRL != nil {
		row("CRL", crlStateText(info.CRL))
	}
	row("Key", info.KeyType)
	row("E-mail", strings.Join(info.Emails, ", "))
	row("DNS names", strings.Join(info.DNSNames, ", "))
	row("IP addresses", strings.Join(info.IPAddresses, ", "))
	row("URIs", strings.Join(info.URIs, ", "))
	row("CA certificate", yesNo(info.IsCA))
	if info.PathLen != nil {
		row("Path length", fmt.Sprint(*info.PathLen))
	}
	row("Name constraints", strings.Join(info.NameConstraints, ", "))
	row("Key usage", strings.Join(info.KeyUsage, ", "))
	row("Extended usage", strings.Join(info.ExtKeyUsage, ", "))
	row("SHA-256", info.FingerprintSHA256)
	row("SHA-1", info.FingerprintSHA1)
	w.Flush()
}

func printItem(out io.Writer, it inspect.Item) {
	switch {
	case it.Certificate != nil:
		fmt.Fprintln(out, "Certificate")
		printInfo(out, *it.Certificate)
	case it.CSR != nil:
		r := it.CSR
		fmt.Fprintln(out, "Certificate signing request")
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "Common name\t%s\nSubject\t%s\nKey\t%s\n", clip(r.CommonName, maxLineRunes), clip(r.Subject, maxLineRunes), r.KeyType)
		if len(r.Emails) > 0 {
			fmt.Fprintf(w, "E-mail\t%s\n", clip(strings.Join(r.Emails, ", "), maxLineRunes))
		}
		if len(r.DNSNames) > 0 {
			fmt.Fprintf(w, "DNS names\t%s\n", clip(strings.Join(r.DNSNames, ", "), maxLineRunes))
		}
		if r.SignatureValid {
			fmt.Fprintf(w, "Signature\tvalid\n")
		} else {
			fmt.Fprintf(w, "Signature\tINVALID: %s\n", clip(r.SignatureProblem, maxLineRunes))
		}
		w.Flush()
	case it.CRL != nil:
		r := it.CRL
		fmt.Fprintln(out, "Certificate revocation list")
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "Issuer\t%s\nCRL number\t%s\nThis update\t%s\nNext update\t%s\n", clip(r.Issuer, maxLineRunes), clip(r.Number, 100), r.ThisUpdate.Format(dateTime), r.NextUpdate.Format(dateTime))
		if r.Expired {
			fmt.Fprintf(w, "State\tEXPIRED: servers using it refuse every client; publish a new CRL\n")
		}
		fmt.Fprintf(w, "Revoked\t%d certificate(s)\n", len(r.Revoked))
		for _, e := range r.Revoked {
			fmt.Fprintf(w, "\t%s  %s  %s\n", e.Serial, e.Time.Format(dateTime), engine.ReasonName(e.Reason))
		}
		w.Flush()
	case it.Key != nil:
		r := it.Key
		title := "Private key"
		if r.Kind == "public_key" {
			title = "Public key"
		}
		fmt.Fprintln(out, title)
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "Key\t%s\n", r.KeyType)
		if r.Kind == "private_key" {
			fmt.Fprintf(w, "Encrypted\t%s\n", yesNo(r.Encrypted))
		}
		fmt.Fprintf(w, "Public key SHA-256\t%s\n", r.PublicKeySHA256)
		if r.MatchesCertificate != "" {
			fmt.Fprintf(w, "Matches\tthe certificate of %q in this file\n", clip(r.MatchesCertificate, maxNameRunes))
		}
		w.Flush()
	}
}

func daysLeft(d int) string {
	switch {
	case d < 0:
		return fmt.Sprintf("expired %d days ago", -d)
	case d == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", d)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func crlState(ca engine.CA, now time.Time) string {
	return crlStateText(certinfo.NewCRLState(ca.CRLNumber, ca.CRLNextUpdate, now))
}

func crlStateText(s *certinfo.CRLState) string {
	switch s.State {
	case "none":
		return "none published yet"
	case "expired":
		return fmt.Sprintf("#%d EXPIRED on %s: servers using it refuse every client; publish a new one", s.Number, s.NextUpdate.Format(dateTime))
	case "expiring":
		return fmt.Sprintf("#%d expires soon, on %s: publish a new one", s.Number, s.NextUpdate.Format(dateTime))
	}
	return fmt.Sprintf("#%d valid until %s", s.Number, s.NextUpdate.Format(dateTime))
}

func printVerdict(out io.Writer, r verdict.Result) {
	mark := "REFUSED"
	if r.Verdict.Allowed() {
		mark = "ACCEPTED"
	}
	fmt.Fprintf(out, "%s: %s (%s)\n", mark, r.Verdict, clip(r.NginxVerify, maxLineRunes))
	for _, d := range r.Details {
		fmt.Fprintf(out, "  - %s\n", clip(d, maxLineRunes))
	}
	if r.Info != nil {
		fmt.Fprintln(out)
		printInfo(out, *r.Info)
	}
}

// countOf writes "1 certificate" or "3 certificates".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Limits for text from outside (a CSV, a certificate) in a terminal line.
const (
	maxNameRunes = 120
	maxLineRunes = 2000
)

// termText makes text from outside safe for a terminal: control, escape
// and bidi characters shown escaped, and at most max characters (a 50 MB
// name prints as its first characters and its size). Each line of a
// multi-line text is treated alone.
func termText(s string, max int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 50 {
		lines = append(lines[:50], fmt.Sprintf("… (%d more lines)", len(lines)-50))
	}
	for i, l := range lines {
		lines[i] = clip(l, max)
	}
	return strings.Join(lines, "\n")
}

// clip escapes one line and shortens it to max characters.
func clip(s string, max int) string { return cut(s, max, certinfo.Clean) }

// cut shortens s to max characters after passing it through escape (a
// 50 MB name prints as its first characters and its size).
func cut(s string, max int, escape func(string) string) string {
	total := len(s)
	short := total > 4*max
	if short {
		s = s[:4*max] // enough for max characters; a character cut in two is escaped
	}
	r := []rune(escape(s))
	if len(r) > max {
		r, short = r[:max], true
	}
	if short {
		return fmt.Sprintf("%s… (%d bytes in all)", string(r), total)
	}
	return string(r)
}
