package vault

import (
	"crypto/x509"
	"testing"

	"certdesk/core/pki"
)

// TestRekeyKeepsPendingCAs: a CA waiting for its certificate keeps its key
// through a rekey, and is completed afterwards.
func TestRekeyKeepsPendingCAs(t *testing.T) {
	v, _, _ := newProtected(t, "correct horse battery")
	offline, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Offline Root"}, PathLen: 1}, v.now())
	if err != nil {
		t.Fatal(err)
	}
	root := pki.Authority{Cert: offline.Cert, Key: offline.Key}
	pending, err := v.CreatePendingCA(ctx, "Issuing", pki.CARequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Rekey(ctx, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(pending.CSR)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := root.SignIntermediateCSR(csr, pki.CARequest{}, v.now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.InstallCACert(ctx, "Issuing", signed.Cert, []*x509.Certificate{offline.Cert}); err != nil {
		t.Fatalf("the pending CA after a rekey: %v", err)
	}
}
