package engine

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"certdesk/core/pki"
)

// TestPKIRoundTrip exports a CA's PKI as an easy-rsa folder, imports it into
// another vault, and finds the same certificates, keys, revocations and a
// CRL number that goes on.
func TestPKIRoundTrip(t *testing.T) {
	ctx := context.Background()
	v, ca, vera := engineWith(t, "Export CA", "Vera")
	rick := issue(t, v, ca, "Rick")
	if _, err := v.Revoke(ctx, rick.ID, 4); err != nil {
		t.Fatal(err)
	}
	server, _ := v.IssueServer(ctx, ca, pki.ServerRequest{DNSNames: []string{"srv.example.test"}})
	dir := filepath.Join(t.TempDir(), "pki")
	p, err := v.ExportPKI(ctx, PKIExport{CA: ca, Dir: dir, Password: "round trip"})
	if err != nil || p.Generated || p.Certificates != 3 {
		t.Fatalf("export: %+v %v", p, err)
	}
	w := newEngine(t)
	if _, _, err := w.ImportPKI(ctx, PKIImport{Source: dir, Name: "Imported"}); !errors.Is(err, ErrPasswordNeeded) {
		t.Fatalf("import without the password: %v", err)
	}
	done, warnings, err := w.ImportPKI(ctx, PKIImport{Source: dir, Password: []byte("round trip"), Name: "Imported"})
	if err != nil || len(warnings) > 0 || len(done) != 1 || done[0].Certificates != 3 || done[0].Revoked != 1 {
		t.Fatalf("import: %+v %q %v", done, warnings, err)
	}
	back, err := w.CAByName(ctx, "Imported")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []Record{vera, rick, server} {
		got, err := w.Find(ctx, want.FingerprintSHA256)
		if err != nil {
			t.Fatalf("%s: %v", want.CommonName, err)
		}
		if got.CAID != back.ID || got.Kind != want.Kind || !got.HasKey {
			t.Errorf("%s: CA %d kind %s key %v", want.CommonName, got.CAID, got.Kind, got.HasKey)
		}
		if wantRevoked := want.ID == rick.ID; got.Revoked() != wantRevoked || (wantRevoked && got.RevocationReason != 4) {
			t.Errorf("%s: revoked %v reason %d", got.CommonName, got.Revoked(), got.RevocationReason)
		}
		if _, err := w.TLSCertificate(ctx, got.ID); err != nil {
			t.Errorf("%s: key: %v", got.CommonName, err)
		}
	}
	crl, err := w.SignCRL(ctx, back, 0)
	if err != nil {
		t.Fatal(err)
	}
	if crl.Number <= p.CRLNumber || crl.Entries != 1 {
		t.Errorf("the imported CA's next CRL is #%d with %d entries; the export's was #%d", crl.Number, crl.Entries, p.CRLNumber)
	}
	// The imported CA keeps issuing.
	if _, err := w.IssuePerson(ctx, back, pki.PersonRequest{Name: pki.Name{CommonName: "New"}}); err != nil {
		t.Error(err)
	}

	// Importing again is refused whole: nothing half-stored.
	before, _ := w.Count(ctx, Filter{})
	if _, _, err := w.ImportPKI(ctx, PKIImport{Source: dir, Password: []byte("round trip"), Name: "Again"}); !errors.Is(err, ErrExists) {
		t.Errorf("second import: %v", err)
	}
	if after, _ := w.Count(ctx, Filter{}); after != before {
		t.Errorf("a refused import changed the vault: %d → %d certificates", before, after)
	}
	cas, _ := w.CAs(ctx)
	if len(cas) != 1 {
		t.Errorf("%d CAs after a refused import", len(cas))
	}
}
