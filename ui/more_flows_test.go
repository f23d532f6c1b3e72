package ui

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/export"
	"certdesk/core/mtls"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

func TestSignCSRAndRenew(t *testing.T) {
	h, dir := startWithCA(t)

	key, _ := pki.GenerateKey(pki.ECDSAP256)
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Csr Carla"}, EmailAddresses: []string{"carla@example.com"}}, key)
	h.picker.open = filepath.Join(dir, "carla.csr")
	os.WriteFile(h.picker.open, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), 0o644)
	h.tap("Sign CSR…")
	h.sees("Sign a CSR with Acme", "Subject: CN=Csr Carla", "CA:TRUE) are ignored")
	h.tap("Sign")
	h.sees("Csr Carla", "2 certificate(s)")
	carla, err := h.app.Vault().Find(context.Background(), "Csr Carla")
	if err != nil || carla.HasKey {
		t.Fatalf("signed CSR: %+v %v", carla, err)
	}

	// Renew a person: a new certificate, the old one revoked as superseded.
	h.tap("New person")
	h.typeInto("e.g. Alice Example", "Rita Renew")
	h.tap("Issue")
	h.sees("Rita Renew")
	h.tap("Renew…")
	h.sees("A new certificate for \"Rita Renew\"")
	h.tap("Renew")
	h.sees("4 certificate(s)")
	recs, _ := h.app.Vault().List(context.Background(), vaultFilterName("Rita Renew"))
	if len(recs) != 2 || !recs[0].Revoked() || recs[0].RevocationReason != 4 || recs[1].RenewedFrom != recs[0].ID {
		t.Fatalf("after renew: %+v", recs)
	}

	// Carla's certificate came from a CSR: renewing keeps her key, the
	// only one there is.
	m := h.app.main
	m.table.table.Select(widget.TableCellID{Row: findRow(t, m, "Csr Carla"), Col: 1})
	h.tap("Renew…")
	h.sees("for the same key")
	h.tap("Renew")
	h.sees("5 certificate(s)")
	carlas, _ := h.app.Vault().List(context.Background(), vaultFilterName("Csr Carla"))
	if len(carlas) != 2 {
		t.Fatalf("Carla after renew: %+v", carlas)
	}
	oldCert, _ := h.app.Vault().Describe(context.Background(), carlas[0].ID)
	newCert, _ := h.app.Vault().Describe(context.Background(), carlas[1].ID)
	if oldCert.PublicKeySHA256 == "" || oldCert.PublicKeySHA256 != newCert.PublicKeySHA256 || carlas[1].HasKey {
		t.Error("Carla's renewal did not keep her key")
	}
}

func TestImportCAFromPKCS12AndInspectIt(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, Options{})
	h.app.Start()
	h.tap("Try the demo") // any open vault will do
	h.sees("Stop server")

	issued, _ := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Imported Root"}}, time.Now())
	p12, err := export.PKCS12(export.Material{Cert: issued.Cert, Key: issued.Key}, export.Compatible, "p12-pass")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "root.p12")
	os.WriteFile(file, p12, 0o600)

	// Inspect asks for the password, refuses a wrong one, then explains.
	h.app.dropped([]fyne.URI{storage.NewFileURI(file)})
	h.sees("This file is encrypted")
	h.typeInto("", "wrong")
	h.tap("Open")
	h.sees("That password is wrong")
	h.typeInto("", "p12-pass")
	h.tap("Open")
	h.sees("CERTIFICATE  Imported Root", "PRIVATE KEY  ECDSA P-256", "Belongs to the certificate of Imported Root")
	h.tap("Close")

	h.app.main.showTab(tabCertificates)
	h.tap("Import CA")
	h.typeInto("a name for it in Certdesk", "Imported")
	h.typeInto("ca.crt, or a .p12 file", file)
	h.typeInto("if the key or .p12 is encrypted", "p12-pass")
	h.tap("Import")
	h.sees("Imported the CA \"Imported\"")
	if _, err := h.app.Vault().CAByName(context.Background(), "Imported"); err != nil {
		t.Fatal(err)
	}
}

// TestEventsAreBatched: thousands of events reach the table in a few
// refreshes, not one each.
func TestEventsAreBatched(t *testing.T) {
	h := newHarness(t, Options{Demo: true})
	h.app.Start()
	h.settle()
	s := h.app.main.server
	refreshes := 0
	s.events.table.OnSelected = nil
	start := time.Now()
	const n = 5000
	for i := range n {
		s.live().server.Events().Publish(mtls.Event{Remote: "127.0.0.1:1", Result: verdict.Judge(nil, nil, time.Now())})
		if i%1000 == 999 {
			refreshes += h.runner.Drain()
		}
	}
	h.waitFor("5,000 events", func() bool {
		refreshes += h.runner.Drain()
		return len(s.events.events) == n
	})
	elapsed := time.Since(start)
	t.Logf("%d events shown after %d table refreshes in %v", n, refreshes, elapsed)
	if maxRefreshes := int(elapsed/eventFlushInterval) + 2; refreshes > maxRefreshes {
		t.Errorf("%d refreshes for %d events in %v: not batched", refreshes, n, elapsed)
	}
	h.sees("5000 connection(s) so far")
}
