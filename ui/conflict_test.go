package ui

import (
	"context"
	"testing"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// TestEditOfAChangedCertificateRefused: the app shows Alice; meanwhile
// another session on the same vault (certctl, another window) changes her
// certificate; the admin then acts on what the app showed. The app refuses
// with the sentence that says someone changed it since, acts on nothing,
// and shows the certificate as it is now.
func TestEditOfAChangedCertificateRefused(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		elsewhere func(e *engine.Engine, id int64) error
		act       func(h *harness, r engine.Record)
		refusal   string
		revoked   bool // the state the other session left, kept
	}{
		{
			name:      "revoke after another revoked",
			elsewhere: func(e *engine.Engine, id int64) error { _, err := e.Revoke(ctx, id, 4); return err },
			act:       func(h *harness, r engine.Record) { h.app.main.revoke(r); h.tap("Revoke Alice Example") },
			refusal:   "The certificate was not revoked",
			revoked:   true,
		},
		{
			name: "unrevoke after another unrevoked and revoked again",
			elsewhere: func(e *engine.Engine, id int64) error {
				if _, err := e.Unrevoke(ctx, id); err != nil {
					return err
				}
				_, err := e.Revoke(ctx, id, 1)
				return err
			},
			act:     func(h *harness, r engine.Record) { h.app.main.unrevoke(r); h.tap("Yes") },
			refusal: "The revocation was not undone",
			revoked: true,
		},
		{
			name:      "renew after another revoked",
			elsewhere: func(e *engine.Engine, id int64) error { _, err := e.Revoke(ctx, id, 1); return err },
			act:       func(h *harness, r engine.Record) { h.app.main.renew(r); h.tap("Renew") },
			refusal:   "That did not work",
			revoked:   true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, path := startWithPerson(t, c.name == cases[1].name)
			m := h.app.main
			shown, _ := m.table.row(findRow(t, m, "Alice Example"))

			other, err := engine.OpenUnlocked(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			other.SetActor("bob (certctl)")
			if err := c.elsewhere(other, shown.ID); err != nil {
				t.Fatalf("the other session: %v", err)
			}

			c.act(h, shown)
			h.seesLabel(c.refusal, "was changed since you looked at it", "by bob (certctl)", "look at it again")
			now, err := other.Get(ctx, shown.ID)
			if err != nil {
				t.Fatal(err)
			}
			if now.Revoked() != c.revoked || now.Version == shown.Version {
				t.Errorf("after the refusal: revoked %v (want %v), version %d (shown %d)", now.Revoked(), c.revoked, now.Version, shown.Version)
			}
			certs, err := other.List(ctx, engine.Filter{Search: "Alice Example"})
			if err != nil || len(certs) != 1 {
				t.Errorf("Alice's certificates after the refusal: %d (%v), want only hers (nothing renewed)", len(certs), err)
			}
			h.waitFor("the table to show Alice as she is now", func() bool {
				r, ok := m.table.row(findRow(t, m, "Alice Example"))
				return ok && r.Version == now.Version
			})
		})
	}
}

// startWithPerson starts the app on a vault file holding a CA and Alice
// (revoked first when revoked), as shown.
func startWithPerson(t *testing.T, revoked bool) (*harness, string) {
	t.Helper()
	path := newVaultWithCA(t, t.TempDir())
	e, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ca, err := e.DefaultCA(ctx)
	if err == nil {
		var rec engine.Record
		rec, err = e.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice Example"}})
		if err == nil && revoked {
			_, err = e.Revoke(ctx, rec.ID, 0)
		}
	}
	e.Close()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{VaultPath: path})
	h.app.Start()
	h.sees("Alice Example")
	return h, path
}

// TestRemoveOfAChangedProfileRefused: the profiles dialog shows "Staff";
// another session replaces it; Remove is refused with the sentence and
// the other session's profile stays.
func TestRemoveOfAChangedProfileRefused(t *testing.T) {
	ctx := context.Background()
	h, path := startWithPerson(t, false)
	other, err := engine.OpenUnlocked(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SaveProfile(ctx, engine.Profile{Name: "Staff", Days: 30}, false); err != nil {
		t.Fatal(err)
	}
	h.app.main.showProfiles()
	h.sees("Staff — 30 days")
	other.SetActor("bob (certctl)")
	if err := other.SaveProfile(ctx, engine.Profile{Name: "Staff", Days: 90}, true); err != nil {
		t.Fatal(err)
	}
	h.tap("Remove")
	h.seesLabel("The profile was not removed", "was changed since you looked at it", "by bob (certctl)")
	rows, err := other.ProfileRows(ctx)
	if err != nil || len(rows) != 1 || rows[0].Days != 90 {
		t.Errorf("profiles after the refusal: %+v, %v; want bob's Staff of 90 days kept", rows, err)
	}
}
