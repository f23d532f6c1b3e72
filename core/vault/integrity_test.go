package vault

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/pki"
)

// rawDB opens a vault file with plain SQL, as an attacker with write access
// to the file (or a backup of it) would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	if IsURL(path) {
		return rawPG(t, path)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// trustedBackup makes a vault with CA "Acme", Alice revoked (in a signed
// CRL) and Bob valid, backs it up, and returns the backup's path.
func trustedBackup(t *testing.T, passphrase []byte) (backup string, ca CA, alice, bob Record) {
	t.Helper()
	dir := t.TempDir()
	v, err := Create(filepath.Join(dir, "v.db"), passphrase, CreateOptions{Insecure: passphrase == nil})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ca = newCA(t, v, "Acme")
	alice, _ = v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}})
	bob, _ = v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}})
	if _, err := v.Revoke(ctx, alice.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := v.SignCRL(ctx, ca, 0); err != nil {
		t.Fatal(err)
	}
	backup = filepath.Join(dir, "backup.db")
	if err := v.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	return backup, ca, alice, bob
}

// swapCA replaces CA "Acme"'s certificate with a foreign one of the same
// name and another key, fixing every column so that only a MAC can tell.
func swapCA(t *testing.T, path string, ca CA) {
	t.Helper()
	foreign, err := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: ca.Cert.CommonName}}, ca.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	r := recordFromCert(foreign.Cert, KindCA)
	db := rawDB(t, path)
	mustExec(t, db, `UPDATE cert_blobs SET der = ? WHERE cert_id = ?`, foreign.Cert.Raw, ca.CertID)
	mustExec(t, db, `UPDATE certs SET fingerprint_sha256 = ?, fingerprint_sha1 = ?, serial = ?, not_before = ?, not_after = ? WHERE id = ?`,
		r.FingerprintSHA256, r.FingerprintSHA1, r.Serial, r.NotBefore.Unix(), r.NotAfter.Unix(), ca.CertID)
}

// dropRevocation un-revokes a certificate and deletes its audit entry.
func dropRevocation(t *testing.T, path string, id int64) {
	t.Helper()
	db := rawDB(t, path)
	mustExec(t, db, `UPDATE certs SET revoked_at = NULL, revocation_reason = NULL WHERE id = ?`, id)
	mustExec(t, db, `DELETE FROM audit WHERE action = 'cert.revoke' AND cert_id = ?`, id)
}

func TestTamperedBackupIsRefused(t *testing.T) {
	pass := []byte("correct horse")
	tests := []struct {
		name   string
		tamper func(t *testing.T, path string, ca CA, alice Record)
		record string // words the refusal must use to name the record
	}{
		{"CA swapped", func(t *testing.T, p string, ca CA, _ Record) { swapCA(t, p, ca) }, `certificate 1 ("Acme"`},
		{"revocation deleted", func(t *testing.T, p string, _ CA, a Record) { dropRevocation(t, p, a.ID) }, `revocation list of CA "Acme"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backup, ca, alice, _ := trustedBackup(t, pass)
			tt.tamper(t, backup, ca, alice)
			before, _ := os.ReadFile(backup)

			target := filepath.Join(t.TempDir(), "restored.db")
			err := Restore(ctx, backup, target, func() ([]byte, error) { return pass, nil })
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tt.record) {
				t.Fatalf("restore of a tampered backup: %v (want ErrTampered naming %s)", err, tt.record)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Error("a refused restore left the copy behind")
			}
			if after, _ := os.ReadFile(backup); string(after) != string(before) {
				t.Error("restore changed the backup file")
			}

			v := unlocked(t, backup, pass)
			var ierr *IntegrityError
			if err := v.Check(ctx); !errors.As(err, &ierr) {
				t.Errorf("check: %v", err)
			}
			report, _ := v.CheckAll(ctx, CheckOptions{})
			if len(report.Problems) == 0 || !strings.Contains(joinProblems(report.Problems), tt.record) {
				t.Errorf("check report does not name %s: %+v", tt.record, report.Problems)
			}
			// Never trusted: every read that serve, verify, export, crl and
			// deploy use refuses (pki export and deploy kits sign a CRL first).
			if _, err := v.Snapshot(ctx); !errors.Is(err, ErrTampered) {
				t.Errorf("Snapshot (the server's trust): %v", err)
			}
			if _, err := v.SignCRL(ctx, ca, 0); !errors.Is(err, ErrTampered) {
				t.Errorf("SignCRL: %v", err)
			}
			if err := v.VerifyCA(ctx, ca); !errors.Is(err, ErrTampered) {
				t.Errorf("VerifyCA: %v", err)
			}
		})
	}
}

// TestSwappedCANeverHandedOut: every read that hands the CA out refuses the
// foreign certificate when unlocked; locked, the API says it could check
// fingerprints only, and a swap of the bytes alone is still refused.
func TestSwappedCANeverHandedOut(t *testing.T) {
	backup, ca, _, bob := trustedBackup(t, nil)
	swapCA(t, backup, ca)
	v := unlocked(t, backup, nil)
	for name, read := range map[string]func() error{
		"Certificate": func() error { _, err := v.Certificate(ctx, ca.CertID); return err },
		"Chain":       func() error { _, err := v.Chain(ctx, bob.ID); return err },
		"Authority":   func() error { _, err := v.Authority(ctx, ca); return err },
		"Issue": func() error {
			_, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Eve"}})
			return err
		},
	} {
		if err := read(); !errors.Is(err, ErrTampered) {
			t.Errorf("%s of a swapped CA: %v", name, err)
		}
	}
	v.Lock()
	if v.Assurance() != FingerprintChecked {
		t.Errorf("locked assurance %v", v.Assurance())
	}
	// The bytes alone replaced: caught without the passphrase.
	other, _ := pki.NewCA(pki.CARequest{Name: pki.Name{CommonName: "Acme"}}, ca.CreatedAt)
	mustExec(t, rawDB(t, backup), `UPDATE cert_blobs SET der = ? WHERE cert_id = ?`, other.Cert.Raw, ca.CertID)
	if _, err := v.Certificate(ctx, ca.CertID); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "fingerprint") {
		t.Errorf("locked read of swapped bytes: %v", err)
	}
}

// TestFlippedBitNeverExported: one flipped bit inside a stored certificate
// (which SQLite's own check cannot see) is refused by every read, locked or not.
func TestFlippedBitNeverExported(t *testing.T) {
	v, _, alice := aliceVault(t)
	cert, _ := v.Certificate(ctx, alice.ID)
	der := append([]byte(nil), cert.Raw...)
	der[len(der)/2] ^= 0x01
	mustExec(t, rawDB(t, v.Path()), `UPDATE cert_blobs SET der = ? WHERE cert_id = ?`, der, alice.ID)
	for _, locked := range []bool{false, true} {
		if locked {
			v.Lock()
		}
		if _, err := v.Certificate(ctx, alice.ID); !errors.Is(err, ErrTampered) {
			t.Errorf("locked=%v: a flipped certificate was read: %v", locked, err)
		}
	}
	if r, _ := v.CheckAll(ctx, CheckOptions{Full: true}); len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, "Alice") {
		t.Errorf("check: %+v", r.Problems)
	}
}

// TestTamperedRowIsNeverResealed: a row changed outside Certdesk stays
// refused even after later legitimate changes touch it or its CA.
func TestTamperedRowIsNeverResealed(t *testing.T) {
	v := newVault(t)
	ca := newCA(t, v, "Acme")
	alice, bob := issuedBy(t, v, ca, "Alice"), issuedBy(t, v, ca, "Bob")
	v.Revoke(ctx, alice.ID, 1)
	mustExec(t, rawDB(t, v.Path()), `UPDATE certs SET revoked_at = NULL, revocation_reason = NULL WHERE id = ?`, alice.ID)
	if _, err := v.Revoke(ctx, alice.ID, 1); !errors.Is(err, ErrTampered) {
		t.Errorf("revoking the tampered row again: %v", err)
	}
	if _, err := v.RevocationStateOf(ctx, alice.ID); !errors.Is(err, ErrTampered) {
		t.Errorf("revocation state of the tampered row: %v", err)
	}
	if _, err := v.Revoke(ctx, bob.ID, 1); err != nil {
		t.Fatalf("revoking another certificate of the CA: %v", err)
	}
	if st, err := v.RevocationStateOf(ctx, bob.ID); err != nil || !st.Revoked || st.Reason != 1 || st.CAID != ca.ID {
		t.Errorf("revocation state of Bob: %+v %v", st, err)
	}
	if _, err := v.CAs(ctx); !errors.Is(err, ErrTampered) {
		t.Errorf("after a later revocation the dropped one passes: %v", err)
	}
	if _, err := v.SignCRL(ctx, ca, 0); !errors.Is(err, ErrTampered) {
		t.Errorf("a CRL was signed without the dropped revocation: %v", err)
	}
	// A CA's CRL number rolled back is refused as well.
	w := newVault(t)
	wca := newCA(t, w, "Acme")
	w.SignCRL(ctx, wca, 0)
	w.SignCRL(ctx, wca, 0)
	mustExec(t, rawDB(t, w.Path()), `UPDATE cas SET crl_number = 1`)
	if _, err := w.SignCRL(ctx, wca, 0); !errors.Is(err, ErrTampered) {
		t.Errorf("CRL number rolled back: %v", err)
	}
}

// TestEveryWriteKeepsTheVaultSealed runs each kind of change, including the
// ones made by code that only speaks SQL (renew, PKI import, bulk), and
// checks the whole vault after each.
func TestEveryWriteKeepsTheVaultSealed(t *testing.T) {
	v, ca, alice := aliceVault(t)
	bob, _ := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Bob"}})
	fp := pki.HexToColon(strings.Repeat("AB", 32))
	steps := []struct {
		name string
		do   func() error
	}{
		{"revoke", func() error { _, err := v.Revoke(ctx, alice.ID, 1); return err }},
		{"unrevoke", func() error { _, err := v.Unrevoke(ctx, alice.ID); return err }},
		{"renew (revokes the old one)", func() error {
			_, err := v.Renew(ctx, bob.ID, RenewOptions{RevokeOld: true})
			return err
		}},
		{"revoke many", func() error { _, err := v.RevokeMany(ctx, []int64{alice.ID}, 4); return err }},
		{"deny", func() error { _, err := v.DenyFingerprint(ctx, fp, 1, "lost laptop"); return err }},
		{"allow", func() error { return v.AllowFingerprint(ctx, fp) }},
		{"deny again", func() error { _, err := v.DenyFingerprint(ctx, fp, 1, ""); return err }},
		{"crl", func() error { _, err := v.SignCRL(ctx, ca, 0); return err }},
		{"bulk", func() error {
			_, err := v.IssuePeople(ctx, ca, []pki.PersonRequest{{Name: pki.Name{CommonName: "C1"}}, {Name: pki.Name{CommonName: "C2"}}}, nil)
			return err
		}},
		{"pki import", func() error {
			p, err := exportedPKI(v, ca)
			if err != nil {
				return err
			}
			w := newVault(t)
			if _, _, err = w.StorePKI(ctx, "Copy", p); err != nil {
				return err
			}
			if r, err := w.CheckAll(ctx, CheckOptions{}); err != nil || len(r.Problems) > 0 {
				return fmt.Errorf("imported vault: %+v %v", r.Problems, err)
			}
			return nil
		}},
		{"second CA", func() error { _, err := v.CreateCA(ctx, "Second", pki.CARequest{}); return err }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		r, err := v.CheckAll(ctx, CheckOptions{})
		if err != nil || len(r.Problems) > 0 || !r.Audit.Intact {
			t.Fatalf("after %s: %+v %v", s.name, r.Problems, err)
		}
	}
	if _, err := v.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
}

// exportedPKI reads a CA with what it issued, as a PKI export does.
func exportedPKI(v *Vault, ca CA) (ImportedPKI, error) {
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return ImportedPKI{}, err
	}
	p := ImportedPKI{CA: auth.Cert, CAKey: auth.Key}
	recs, err := v.List(ctx, Filter{CAID: ca.ID, Kind: KindClient})
	for _, r := range recs {
		cert, err := v.Certificate(ctx, r.ID)
		if err != nil {
			return p, err
		}
		key, err := v.PrivateKey(ctx, r.ID)
		if err != nil {
			return p, err
		}
		p.Certs = append(p.Certs, ImportedCert{Cert: cert, Key: key, RevokedAt: r.RevokedAt, Reason: r.RevocationReason})
	}
	return p, err
}

func TestAuditChain(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		want   string
	}{
		{"middle entry deleted", `DELETE FROM audit WHERE id = 3`, "audit entry 4"},
		{"last entry deleted", `DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)`, "entries at the end were removed"},
		{"detail rewritten", `UPDATE audit SET detail = 'nothing happened' WHERE id = 2`, "audit entry 2"},
		{"head removed", `DELETE FROM meta WHERE name = 'audit_head'`, "head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVault(t)
			base, _ := v.VerifyAudit(ctx) // vault.create, and on a team vault admin.add
			ca := newCA(t, v, "Acme")
			for i := range 3 {
				v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: fmt.Sprint("P", i)}})
			}
			if c, err := v.VerifyAudit(ctx); err != nil || !c.Intact || c.Entries != base.Entries+4 {
				t.Fatalf("fresh chain: %+v %v", c, err)
			}
			mustExec(t, rawDB(t, v.Path()), tt.tamper)
			c, err := v.VerifyAudit(ctx)
			if err != nil || c.Intact || !errors.Is(c.Problem, ErrTampered) || !strings.Contains(c.Problem.Error(), tt.want) {
				t.Fatalf("chain after %s: %+v %v", tt.name, c, err)
			}
			v.Lock()
			if c, _ := v.VerifyAudit(ctx); c.Checked || c.Intact {
				t.Errorf("a locked vault claims to have checked the chain: %+v", c)
			}
		})
	}
}
