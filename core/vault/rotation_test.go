package vault

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"testing"
)

// TestStaleSessionFollowsRotation: a session opened before another admin
// removes a third admin (which rotates the vault key and re-seals every
// record) reads at once: its very first read of each kind succeeds under
// the new key. A row altered outside Certdesk is still reported.
func TestStaleSessionFollowsRotation(t *testing.T) {
	tm := newTeam(t)
	alice := tm.as(t, "alice")
	p := issuedBy(t, alice, tm.ca, "Petra")
	if _, err := alice.Revoke(ctx, p.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.DenyFingerprint(ctx, randomFingerprint(), 1, ""); err != nil {
		t.Fatal(err)
	}
	// rotated opens a session as admin, then has alice add a third admin
	// and remove them again, rotating the vault key.
	n := 0
	rotated := func(t *testing.T, admin string) *Vault {
		t.Helper()
		stale := tm.as(t, admin)
		n++
		third := fmt.Sprintf("temp%d", n)
		if err := alice.AddAdmin(ctx, third, RoleAuditor, []byte("granite pepper saddle moon")); err != nil {
			t.Fatal(err)
		}
		if _, err := alice.RemoveAdmin(ctx, third); err != nil {
			t.Fatal(err)
		}
		return stale
	}
	reads := []struct {
		name  string
		admin string
		read  func(v *Vault) error
	}{
		{"certificate", "ivan", func(v *Vault) error { _, err := v.Certificate(ctx, p.ID); return err }},
		{"private key", "ivan", func(v *Vault) error { _, err := v.PrivateKey(ctx, p.ID); return err }},
		{"CAs and their revocations", "ivan", func(v *Vault) error { _, err := v.CAs(ctx); return err }},
		{"CA check", "audrey", func(v *Vault) error { return v.VerifyCA(ctx, tm.ca) }},
		{"revocation state", "audrey", func(v *Vault) error { _, err := v.RevocationStateOf(ctx, p.ID); return err }},
		{"deny-list", "audrey", func(v *Vault) error { _, err := v.Denials(ctx); return err }},
		{"snapshot", "ivan", func(v *Vault) error { _, err := v.Snapshot(ctx); return err }},
		{"audit chain", "audrey", func(v *Vault) error {
			c, err := v.VerifyAudit(ctx)
			if err == nil && (!c.Intact || c.Problem != nil) {
				err = fmt.Errorf("chain %+v", c)
			}
			return err
		}},
		{"whole check", "alice", func(v *Vault) error {
			r, err := v.CheckAll(ctx, CheckOptions{Full: true})
			if err == nil && len(r.Problems) > 0 {
				err = fmt.Errorf("problems %+v", r.Problems)
			}
			return err
		}},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			stale := rotated(t, r.admin)
			if err := r.read(stale); err != nil {
				t.Errorf("the first read after another admin's rotation: %v", err)
			}
		})
	}
	t.Run("a real alteration", func(t *testing.T) {
		q := issuedBy(t, alice, tm.ca, "Quinn")
		stale := rotated(t, "ivan")
		mustExec(t, rawPG(t, tm.url["alice"]), `UPDATE main.certs SET not_after = not_after + 86400000 WHERE id = ?`, q.ID)
		if _, err := stale.Certificate(ctx, q.ID); !errors.Is(err, ErrTampered) {
			t.Errorf("a certificate altered outside Certdesk, read after a rotation: %v", err)
		}
		if _, err := tm.as(t, "ivan").Certificate(ctx, q.ID); !errors.Is(err, ErrTampered) {
			t.Errorf("a certificate altered outside Certdesk, read by a fresh session: %v", err)
		}
		if _, err := stale.Certificate(ctx, p.ID); err != nil {
			t.Errorf("an untouched certificate after the alteration: %v", err)
		}
	})
}

// TestReadAcrossARotation: a session reads a row just before another
// admin's rotation commits, and its live-change listener moves it to the
// new key before the row is checked. The row is checked under the key it
// was read with and passes; checked under the key of the moment (as before)
// it was reported as tampered.
func TestReadAcrossARotation(t *testing.T) {
	tm := newTeam(t)
	alice := tm.as(t, "alice")
	r := issuedBy(t, alice, tm.ca, "Rosa")
	s := tm.as(t, "ivan")
	key := s.macKeyOrNil()
	var f certFields
	if err := s.db.QueryRowContext(ctx, `SELECT `+certFieldColumns+` FROM certs c WHERE c.id = ?`, r.ID).Scan(f.targets()...); err != nil {
		t.Fatal(err)
	}
	if err := alice.AddAdmin(ctx, "tempr", RoleAuditor, []byte("granite pepper saddle moon")); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.RemoveAdmin(ctx, "tempr"); err != nil {
		t.Fatal(err)
	}
	s.followRotation(ctx) // what the listener does on the rotation's notification
	if hmac.Equal(s.macKeyOrNil(), key) {
		t.Fatal("the session did not follow the rotation")
	}
	if err := s.checked(ctx, key, f.verify); err != nil {
		t.Errorf("a row read before the rotation, checked after following it: %v", err)
	}
	if err := s.checked(ctx, nil, f.verify); !errors.Is(err, ErrTampered) {
		t.Errorf("the same row checked under the key of the moment: %v, want the tamper report this guards against", err)
	}
	if _, err := s.Certificate(ctx, r.ID); err != nil {
		t.Errorf("the row read again: %v", err)
	}
}

// TestStaleFileSessionAfterRekey: the app holds a vault file open while
// `certctl rekey` rotates its key in another process: the app's next read
// or write says the key was rotated and to unlock again, not that the
// vault was tampered with; unlocked again, it reads and writes, and a real
// alteration is still reported.
func TestStaleFileSessionAfterRekey(t *testing.T) {
	pass := []byte("correct horse battery")
	app, ca, alice := newProtected(t, string(pass))
	cli := unlocked(t, app.Path(), pass)
	if _, err := cli.Rekey(ctx, pass); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"read", func() error { _, err := app.Certificate(ctx, alice.ID); return err }},
		{"private key", func() error { _, err := app.PrivateKey(ctx, alice.ID); return err }},
		{"CAs", func() error { _, err := app.CAs(ctx); return err }},
		{"write", func() error { _, err := app.DenyFingerprint(ctx, randomFingerprint(), 1, ""); return err }},
	}
	for _, st := range steps {
		if err := st.run(); !errors.Is(err, ErrKeyRotated) || errors.Is(err, ErrTampered) {
			t.Errorf("%s after another process rekeyed: %v, want ErrKeyRotated", st.name, err)
		}
	}
	app.Lock()
	if err := app.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Errorf("%s after unlocking again: %v", st.name, err)
		}
	}
	bob := issuedBy(t, cli, ca, "Bob")
	mustExec(t, rawDB(t, app.Path()), `UPDATE certs SET not_after = not_after + 86400000 WHERE id = ?`, bob.ID)
	if _, err := app.Certificate(ctx, bob.ID); !errors.Is(err, ErrTampered) {
		t.Errorf("a certificate altered outside Certdesk: %v", err)
	}
}
