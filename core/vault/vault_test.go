package vault

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

func TestCreateOpenUnlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "certdesk", "vault.db")
	v := vaultAt(t, path, []byte("correct horse"))
	ca := newCA(t, v, "Acme")
	v.Close()

	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("vault mode %v, want 0600", st.Mode().Perm())
	}
	dir, _ := os.Stat(filepath.Dir(path))
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("vault folder mode %v, want 0700", dir.Mode().Perm())
	}
	if _, err := Create(path, []byte("x"), CreateOptions{}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("re-creating over a vault: %v", err)
	}

	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.PrivateKey(ctx, ca.CertID); !errors.Is(err, ErrLocked) {
		t.Errorf("locked vault gave a key: %v", err)
	}
	if err := v.Unlock([]byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if v.Unlocked() {
		t.Error("a wrong passphrase unlocked the vault")
	}
	if err := v.Unlock([]byte("correct horse")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PrivateKey(ctx, ca.CertID); err != nil {
		t.Errorf("unlocked vault: %v", err)
	}
}

func TestCreateNeedsPassphrase(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "v.db"), nil, CreateOptions{}); err == nil {
		t.Error("a vault without passphrase was made without asking for an insecure one")
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o600)
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "none.db"), "does not exist"},
		{"folder", dir, "is a folder"},
		{"empty", empty, "is empty"},
		{"garbage", garbage, "not a database"},
	}
	for _, tt := range tests {
		_, err := Open(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	v := newVault(t)
	if _, err := v.db.Exec(`UPDATE meta SET value = '99' WHERE name = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	path := v.Path()
	v.Close()
	if _, err := Open(path); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("err = %v, want ErrNewerSchema", err)
	}
}

func TestKeysAreSealed(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	rec, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	if err != nil {
		t.Fatal(err)
	}
	key, err := v.PrivateKey(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The sealed key is bound to its certificate: moving it to another row fails.
	if _, err := v.db.Exec(`UPDATE cert_blobs SET key_sealed = (SELECT key_sealed FROM cert_blobs WHERE cert_id = ?) WHERE cert_id = ?`, rec.ID, ca.CertID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.PrivateKey(ctx, ca.CertID); err == nil {
		t.Error("a key moved to another certificate still opened")
	}
	cert, _ := v.Certificate(ctx, rec.ID)
	if err := pki.KeyMatchesCertificate(key, cert); err != nil {
		t.Error(err)
	}
}

func TestIssueAndFind(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme CA")
	alice, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice Example"}, Emails: []string{"alice@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	bob1, _ := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}})
	v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}})
	fp := alice.FingerprintSHA256
	bare := strings.ReplaceAll(fp, ":", "")
	tests := []struct {
		ref    string
		wantID int64
		err    error
	}{
		{"Acme CA", ca.CertID, nil},
		{"2", alice.ID, nil},
		{alice.Serial, alice.ID, nil},
		{strings.ToLower(alice.Serial), alice.ID, nil},
		{fp, alice.ID, nil},
		{bare, alice.ID, nil},
		{strings.ToLower(bare), alice.ID, nil},
		{"SHA256 Fingerprint=" + fp, alice.ID, nil},
		{bare[:12], alice.ID, nil},
		{fp[:17], alice.ID, nil},
		{"Alice Example", alice.ID, nil},
		{"alice example", alice.ID, nil},
		{"Bob", 0, ErrAmbiguous},
		{"Nobody", 0, ErrNotFound},
		{"999", 0, ErrNotFound},
	}
	for _, tt := range tests {
		got, err := v.Find(ctx, tt.ref)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("Find(%q) err = %v, want %v", tt.ref, err, tt.err)
			}
			continue
		}
		if err != nil || got.ID != tt.wantID {
			t.Errorf("Find(%q) = %d, %v; want %d", tt.ref, got.ID, err, tt.wantID)
		}
	}
	if got, err := v.Find(ctx, bob1.Serial); err != nil || got.ID != bob1.ID {
		t.Errorf("Find by serial of one of two Bobs: %d, %v", got.ID, err)
	}
	audit, err := v.Audit(ctx, alice.ID, 0)
	if err != nil || len(audit) != 1 || audit[0].Action != "cert.issue" {
		t.Errorf("audit of alice = %+v, %v", audit, err)
	}
}

func TestListFilters(t *testing.T) {
	v := newVault(t)
	now := time.Now()
	v.Now = func() time.Time { return now }
	ca := newCA(t, v, "Acme")
	other := newCA(t, v, "Other")
	issue := func(ca CA, cn string, validity pki.Validity) Record {
		r, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: cn}, Emails: []string{strings.ToLower(cn) + "@example.com"}, Validity: validity})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	issue(ca, "Valid", pki.Validity{})
	issue(ca, "Soon", pki.Validity{Days: 10})
	issue(ca, "Old", pki.Validity{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, -1)})
	issue(ca, "Future", pki.Validity{NotBefore: now.AddDate(0, 0, 1), NotAfter: now.AddDate(2, 0, 0)})
	issue(other, "Elsewhere", pki.Validity{})
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all of Acme", Filter{CAID: ca.ID, Kind: KindClient}, []string{"Valid", "Soon", "Old", "Future"}},
		{"valid", Filter{CAID: ca.ID, Kind: KindClient, Status: certinfo.Valid}, []string{"Valid"}},
		{"expiring", Filter{Status: certinfo.Expiring}, []string{"Soon"}},
		{"expiring in 400 days", Filter{Status: certinfo.Expiring, ExpiringWithin: 400 * 24 * time.Hour, Kind: KindClient}, []string{"Valid", "Soon", "Elsewhere"}},
		{"expired", Filter{Status: certinfo.Expired}, []string{"Old"}},
		{"not yet valid", Filter{Status: certinfo.NotYetValid}, []string{"Future"}},
		{"search e-mail", Filter{Search: "soon@exa"}, []string{"Soon"}},
		{"search is literal", Filter{Search: "%"}, nil},
		{"sorted by name", Filter{Kind: KindClient, Sort: SortCommonName}, []string{"Elsewhere", "Future", "Old", "Soon", "Valid"}},
		{"sorted by expiry, newest first", Filter{CAID: ca.ID, Kind: KindClient, Sort: SortNotAfter, Descending: true}, []string{"Future", "Valid", "Soon", "Old"}},
		{"paged", Filter{Kind: KindClient, Sort: SortCommonName, Limit: 2, Offset: 1}, []string{"Future", "Old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := v.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := commonNames(recs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	counts, err := v.CountByStatus(ctx, ca.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[certinfo.Status]int{certinfo.Valid: 2, certinfo.Expiring: 1, certinfo.Expired: 1, certinfo.NotYetValid: 1}
	for s, n := range want {
		if counts[s] != n {
			t.Errorf("count %s = %d, want %d (all: %v)", s, counts[s], n, counts)
		}
	}
	if _, err := v.List(ctx, Filter{Status: "bogus"}); err == nil {
		t.Error("an unknown status was accepted")
	}
}

func TestCANames(t *testing.T) {
	v := newVault(t)
	newCA(t, v, "Acme")
	if _, err := v.CreateCA(ctx, "Acme", pki.CARequest{}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate CA name: %v", err)
	}
	for _, bad := range []string{"", " padded", "bell\x07", strings.Repeat("x", 65)} {
		if _, err := v.CreateCA(ctx, bad, pki.CARequest{}); err == nil {
			t.Errorf("CA name %q accepted", bad)
		}
	}
	if _, err := v.CAByName(ctx, "Nope"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Acme") {
		t.Errorf("unknown CA: %v", err)
	}
	if ca, err := v.DefaultCA(ctx); err != nil || ca.Name != "Acme" {
		t.Errorf("DefaultCA with one CA: %v", err)
	}
	newCA(t, v, "Second")
	if _, err := v.DefaultCA(ctx); err == nil || !strings.Contains(err.Error(), "--ca") {
		t.Errorf("DefaultCA with two CAs: %v", err)
	}
}

func TestImportCA(t *testing.T) {
	v := newVault(t)
	issued, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Outside CA"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ca, warnings, err := v.ImportCA(ctx, "outside", issued.Cert, issued.Key, nil)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("import: %v %v", err, warnings)
	}
	if _, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "From import"}}); err != nil {
		t.Fatal(err)
	}
	// A key that is not the CA's is refused, and nothing is stored.
	other, _ := pki.GenerateKey(pki.ECDSAP256)
	if _, _, err := v.ImportCA(ctx, "mismatch", issued.Cert, other, nil); err == nil {
		t.Error("a mismatched key was imported")
	}
	if _, err := v.CAByName(ctx, "mismatch"); !errors.Is(err, ErrNotFound) {
		t.Error("a failed import left a CA behind")
	}
}

func TestLockedVaultRefusesWrites(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	v.Lock()
	if _, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "X"}}); !errors.Is(err, ErrLocked) {
		t.Errorf("issue while locked: %v", err)
	}
	if _, err := v.CreateCA(ctx, "B", pki.CARequest{}); !errors.Is(err, ErrLocked) {
		t.Errorf("create CA while locked: %v", err)
	}
	if n, _ := v.Count(ctx, Filter{}); n != 1 {
		t.Errorf("%d certificates after refused writes, want 1", n)
	}
}

func TestIssuePeople(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	reqs := []pki.PersonRequest{
		{Name: pki.Name{CommonName: "One"}, Emails: []string{"one@example.com"}},
		{Name: pki.Name{CommonName: "Two"}, Emails: []string{"not an e-mail"}},
		{Name: pki.Name{CommonName: "Three"}},
	}
	var calls atomic.Int64
	rows, err := v.IssuePeople(ctx, ca, reqs, func(done, total int) { calls.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Err != nil || rows[2].Err != nil || rows[1].Err == nil || !strings.Contains(rows[1].Err.Error(), "e-mail") {
		t.Fatalf("rows: %+v", rows)
	}
	if rows[0].Record.CommonName != "One" || !rows[0].Record.HasKey || calls.Load() != 3 {
		t.Errorf("row 0 %+v, %d progress calls", rows[0].Record, calls.Load())
	}
	if n, _ := v.Count(ctx, Filter{Kind: KindClient}); n != 2 {
		t.Errorf("%d people stored, want 2", n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := v.IssuePeople(cancelled, ca, reqs, nil); err == nil {
		t.Error("a cancelled bulk issuance reported success")
	}
	if n, _ := v.Count(ctx, Filter{Kind: KindClient}); n != 2 {
		t.Errorf("a cancelled bulk issuance stored something: %d people", n)
	}
}
