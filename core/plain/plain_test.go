package plain

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"certdesk/core/verdict"
	"certdesk/core/verdict/verdicttest"
)

// TestOneDateFormat: the judge's own sentences write dates as Date and
// DateTime do, so the page, the app and certctl show one format.
func TestOneDateFormat(t *testing.T) {
	now := time.Now()
	m := verdicttest.MustBuild(t, now)
	tests := []struct {
		name string
		want func(*x509.Certificate) string
	}{
		{"valid", func(c *x509.Certificate) string { return Date(c.NotAfter) }},
		{"expired", func(c *x509.Certificate) string { return Date(c.NotAfter) }},
		{"not yet valid", func(c *x509.Certificate) string { return DateTime(c.NotBefore) }},
		{"revoked by serial", func(*x509.Certificate) string { return Date(now.Add(-time.Minute)) }},
	}
	for _, tc := range tests {
		leaf := m.Named(tc.name).Certs[0]
		res := verdict.JudgeCertificates([]*x509.Certificate{leaf}, m.Trust, now)
		text := res.Explanation + " " + strings.Join(res.Details, " ")
		if want := tc.want(leaf); !strings.Contains(text, want) {
			t.Errorf("%s: %q lacks the date %q", tc.name, text, want)
		}
	}
}

// TestEveryCodeHasWords: no verdict code reaches a person as a code.
func TestEveryCodeHasWords(t *testing.T) {
	codes := []verdict.Code{verdict.OK, verdict.NoCertificate, verdict.Malformed, verdict.UnknownCA, verdict.NotYetValid,
		verdict.Expired, verdict.Revoked, verdict.WrongUsage, verdict.NotTLS, verdict.HandshakeFailed}
	for _, c := range codes {
		for what, words := range map[string]string{"Verdict": Verdict(c), "Heading": Heading(c)} {
			if strings.Contains(words, "_") || words == string(c) {
				t.Errorf("%s(%s) = %q: a code, not words", what, c, words)
			}
		}
		if !c.Allowed() && c != verdict.NotTLS && c != verdict.HandshakeFailed && Advice(c) == "" {
			t.Errorf("no advice for %s", c)
		}
	}
	for _, u := range []string{"clientAuth", "serverAuth", "digitalSignature"} {
		if Usage(u) == u {
			t.Errorf("usage %s has no words", u)
		}
	}
	for _, r := range []string{"keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged", "certificateHold"} {
		if Reason(r) == r {
			t.Errorf("reason %s has no words", r)
		}
	}
}
