package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certdesk/core/pki"
)

// TestTrustOnlyCA trusts a CA made elsewhere by its certificate alone: the
// test server lets its people in, and it refuses to issue, saying why.
func TestTrustOnlyCA(t *testing.T) {
	e := newEngine(t)
	own := newCA(t, e, "Own CA")
	outside, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Partner CA"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	partner, err := pki.Authority{Cert: outside.Cert, Key: outside.Key}.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Pat"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "partner.pem")
	if err := os.WriteFile(certFile, pki.EncodeCertPEM(outside.Cert), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, err := e.TrustCA(ctx, "Partner", certFile)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.TrustOnly() {
		t.Fatal("a CA trusted by its certificate alone says it has a key")
	}
	if _, err := e.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Nope"}}); !errors.Is(err, ErrTrustOnly) {
		t.Errorf("issuing from a trust-only CA: %v", err)
	}
	if _, err := e.SignCRL(ctx, ca, 0); !errors.Is(err, ErrTrustOnly) {
		t.Errorf("a CRL from a trust-only CA: %v", err)
	}
	pem := append(pki.EncodeCertPEM(partner.Cert), pki.EncodeCertPEM(outside.Cert)...)
	for _, tt := range []struct {
		name  string
		trust CA
		want  bool
	}{
		{"trusting the partner", ca, true},
		{"trusting only our own CA", own, false},
	} {
		res, err := e.Verify(ctx, VerifyRequest{Data: pem, CA: tt.trust})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict.Allowed() != tt.want {
			t.Errorf("%s: Pat is %s (%s) via %q", tt.name, res.Verdict, res.Explanation, res.IssuerCA)
		}
	}
}
