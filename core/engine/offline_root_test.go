package engine

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

// TestServerForACAOfAnOfflineRoot: a CA whose root the vault does not hold
// lets its own people in when a server trusts it alone (its installed
// chain stands for the root, as the root would stand in nginx's CA file),
// and only them.
func TestServerForACAOfAnOfflineRoot(t *testing.T) {
	e := newEngine(t)
	dir := t.TempDir()
	offline, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Offline Root"}, PathLen: 1}, e.Now())
	if err != nil {
		t.Fatal(err)
	}
	pending, err := e.RequestCA(ctx, "Issuing", pki.CARequest{}, filepath.Join(dir, "issuing.csr"))
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(pending.CSR)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pki.Authority{Cert: offline.Cert, Key: offline.Key}.SignIntermediateCSR(csr, pki.CARequest{}, e.Now())
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(dir, "issuing.pem")
	os.WriteFile(certFile, append(pki.EncodeCertPEM(signed.Cert), pki.EncodeCertPEM(offline.Cert)...), 0o600)
	issuing, _, err := e.InstallCACert(ctx, "Issuing", certFile)
	if err != nil {
		t.Fatal(err)
	}
	other := newCA(t, e, "Other")
	tess := issue(t, e, issuing, "Tess")
	olga := issue(t, e, other, "Olga")
	for _, tt := range []struct {
		who  Record
		want bool
	}{{tess, true}, {olga, false}} {
		data, _ := e.CertificatePEM(ctx, tt.who.ID)
		res, err := e.Verify(ctx, VerifyRequest{Data: data, CA: issuing})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict.Allowed() != tt.want {
			t.Errorf("%s against the offline root's CA: %s (%s)", tt.who.CommonName, res.Verdict, res.Explanation)
		}
	}
}
