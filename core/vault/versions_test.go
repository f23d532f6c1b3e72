package vault

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"certdesk/core/pki"
)

// sessions are two sessions on one vault, A and B: two handles on one
// vault file, or two admins of a team vault, each its own database role.
type sessions struct {
	a, b  *Vault
	ca    CA
	bName string // how B is named in the audit trail
}

var bobPass = []byte("juniper kettle sparrow velvet")

func twoSessions(t *testing.T, backend string) sessions {
	t.Helper()
	if backend == "sqlite" {
		path := filepath.Join(t.TempDir(), "vault.db")
		a := vaultAt(t, path, nil)
		b, err := OpenUnlocked(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		a.Actor, b.Actor = "alice@desk (test)", "bob@laptop (test)"
		return sessions{a: a, b: b, ca: newCA(t, a, "Acme"), bName: "bob@laptop"}
	}
	tm := newTeam(t)
	a := tm.as(t, "alice")
	if err := a.AddAdmin(ctx, "bob", RoleOwner, bobPass); err != nil {
		t.Fatal(err)
	}
	b, err := OpenUnlocked(tm.pg.URL(tm.db, "bob"), bobPass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ca, err := a.CAByName(ctx, tm.ca.Name)
	if err != nil {
		t.Fatal(err)
	}
	return sessions{a: a, b: b, ca: ca, bName: "bob [owner]"}
}

// target is the row an edit kind works on: a certificate, a profile, a
// CA or a deny-list entry.
type target struct {
	id   int64
	name string
}

// editKind is one kind of edit of a row shown earlier.
type editKind struct {
	name string
	// show makes the row and returns it with the version A is shown.
	show func(t *testing.T, s sessions) (target, int64)
	// change is B's change of the row in between (and, for the race, the
	// other half of it).
	change func(v *Vault, s sessions, tg target) error
	// act is the edit, by a session that saw version seen.
	act func(v *Vault, s sessions, tg target, seen int64) error
	// kept says what is wrong when the row does not hold B's change.
	kept func(s sessions, tg target) error
}

func issued(t *testing.T, s sessions, cn string) Record {
	t.Helper()
	return issuedBy(t, s.a, s.ca, cn)
}

func certVersion(t *testing.T, v *Vault, id int64) int64 {
	t.Helper()
	return mustGet(t, v, id).Version
}

func profileVersion(t *testing.T, v *Vault, name string) int64 {
	t.Helper()
	rows, err := v.ProfileRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == name {
			return r.Version
		}
	}
	t.Fatalf("no profile %q in %+v", name, rows)
	return 0
}

func savedProfile(t *testing.T, v *Vault, name string, days int) {
	t.Helper()
	if err := v.SaveProfile(ctx, pki.Profile{Name: name, Days: days}, true); err != nil {
		t.Fatal(err)
	}
}

// shownProfile shows A a new profile of that name.
func shownProfile(name string) func(*testing.T, sessions) (target, int64) {
	return func(t *testing.T, s sessions) (target, int64) {
		savedProfile(t, s.a, name, 30)
		return target{name: name}, profileVersion(t, s.a, name)
	}
}

// replacedProfile is B replacing the profile with one of days.
func replacedProfile(days int) func(*Vault, sessions, target) error {
	return func(v *Vault, _ sessions, tg target) error {
		return v.SaveProfile(ctx, pki.Profile{Name: tg.name, Days: days}, true)
	}
}

// keptProfile checks the profile is B's, of days.
func keptProfile(days int) func(sessions, target) error {
	return func(s sessions, tg target) error {
		if p, err := s.a.Profile(ctx, tg.name); err != nil || p.Days != days {
			return fmt.Errorf("B's profile of %d days is gone or changed: %+v, %v", days, p, err)
		}
		return nil
	}
}

func randomFingerprint() string {
	b := make([]byte, 32)
	rand.Read(b)
	return pki.HexToColon(hex.EncodeToString(b))
}

func denialOf(v *Vault, fp string) (Denial, error) {
	all, err := v.Denials(ctx)
	for _, d := range all {
		if d.FingerprintSHA256 == fp {
			return d, err
		}
	}
	return Denial{}, fmt.Errorf("%s is not denied (%v)", fp, err)
}

var editKinds = []editKind{
	{
		name: "revoke",
		show: func(t *testing.T, s sessions) (target, int64) {
			r := issued(t, s, "Alice")
			return target{id: r.ID}, certVersion(t, s.a, r.ID)
		},
		// B revokes by mistake and takes it back: without versions A's
		// revocation would go through on a state A never saw.
		change: func(v *Vault, _ sessions, tg target) error {
			if _, err := v.Revoke(ctx, tg.id, 1); err != nil {
				return err
			}
			_, err := v.Unrevoke(ctx, tg.id)
			return err
		},
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			_, err := v.RevokeIfUnchanged(ctx, tg.id, 3, seen)
			return err
		},
		kept: func(s sessions, tg target) error {
			if r, _ := s.a.Get(ctx, tg.id); r.Revoked() {
				return fmt.Errorf("revoked after the refused revocation: %+v", r)
			}
			return nil
		},
	},
	{
		name: "unrevoke",
		show: func(t *testing.T, s sessions) (target, int64) {
			r := issued(t, s, "Bert")
			if _, err := s.a.Revoke(ctx, r.ID, 6); err != nil { // certificateHold
				t.Fatal(err)
			}
			return target{id: r.ID}, certVersion(t, s.a, r.ID)
		},
		// B finds the key was stolen after all: hold lifted, revoked for good.
		change: func(v *Vault, _ sessions, tg target) error {
			if _, err := v.Unrevoke(ctx, tg.id); err != nil {
				return err
			}
			_, err := v.Revoke(ctx, tg.id, 1)
			return err
		},
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			_, err := v.UnrevokeIfUnchanged(ctx, tg.id, seen)
			return err
		},
		kept: func(s sessions, tg target) error {
			if r, _ := s.a.Get(ctx, tg.id); !r.Revoked() || r.RevocationReason != 1 {
				return fmt.Errorf("B's revocation for key compromise is gone: %+v", r)
			}
			return nil
		},
	},
	{
		name: "renew",
		show: func(t *testing.T, s sessions) (target, int64) {
			r := issued(t, s, "Cleo")
			return target{id: r.ID}, certVersion(t, s.a, r.ID)
		},
		change: func(v *Vault, _ sessions, tg target) error {
			_, err := v.Revoke(ctx, tg.id, 1)
			return err
		},
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			_, err := v.RenewIfUnchanged(ctx, tg.id, RenewOptions{}, seen)
			return err
		},
		kept: func(s sessions, tg target) error {
			all, err := s.a.List(ctx, Filter{})
			for _, r := range all {
				if r.RenewedFrom == tg.id {
					return fmt.Errorf("renewed as %d after B revoked it", r.ID)
				}
			}
			return err
		},
	},
	{
		name:   "profile replace",
		show:   shownProfile("staff"),
		change: replacedProfile(60),
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			return v.SaveProfileIfUnchanged(ctx, pki.Profile{Name: tg.name, Days: 90}, true, seen)
		},
		kept: keptProfile(60),
	},
	{
		name: "profile replace after a removal",
		show: shownProfile("interns"),
		change: func(v *Vault, _ sessions, tg target) error {
			return v.RemoveProfile(ctx, tg.name)
		},
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			return v.SaveProfileIfUnchanged(ctx, pki.Profile{Name: tg.name, Days: 90}, true, seen)
		},
		kept: func(s sessions, tg target) error {
			if _, err := s.a.Profile(ctx, tg.name); !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("the profile B removed is back: %v", err)
			}
			return nil
		},
	},
	{
		name:   "profile remove",
		show:   shownProfile("devices"),
		change: replacedProfile(60),
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			return v.RemoveProfileIfUnchanged(ctx, tg.name, seen)
		},
		kept: keptProfile(60),
	},
	{
		name: "default profile",
		show: func(t *testing.T, s sessions) (target, int64) {
			savedProfile(t, s.a, "short", 30)
			savedProfile(t, s.a, "long", 300)
			if err := s.a.SetDefaultProfile(ctx, s.ca, "short"); err != nil {
				t.Fatal(err)
			}
			ca, err := s.a.CAByName(ctx, s.ca.Name)
			if err != nil {
				t.Fatal(err)
			}
			return target{name: "long"}, ca.Version
		},
		change: func(v *Vault, s sessions, tg target) error {
			return v.SetDefaultProfile(ctx, s.ca, tg.name)
		},
		act: func(v *Vault, s sessions, _ target, seen int64) error {
			return v.SetDefaultProfileIfUnchanged(ctx, s.ca, "", seen)
		},
		kept: func(s sessions, tg target) error {
			if p, ok, err := s.a.DefaultProfile(ctx, s.ca); !ok || p.Name != tg.name {
				return fmt.Errorf("the CA's default is %q (%v, %v), not B's %q", p.Name, ok, err, tg.name)
			}
			return nil
		},
	},
	{
		name: "allow a denied fingerprint",
		show: func(t *testing.T, s sessions) (target, int64) {
			d, err := s.a.DenyFingerprint(ctx, randomFingerprint(), 4, "")
			if err != nil {
				t.Fatal(err)
			}
			seen, err := denialOf(s.a, d.FingerprintSHA256)
			if err != nil || seen.Version != d.Version {
				t.Fatalf("the deny-list shows version %d, the denial gave %d (%v)", seen.Version, d.Version, err)
			}
			return target{name: d.FingerprintSHA256}, seen.Version
		},
		change: func(v *Vault, _ sessions, tg target) error {
			if err := v.AllowFingerprint(ctx, tg.name); err != nil {
				return err
			}
			_, err := v.DenyFingerprint(ctx, tg.name, 1, "stolen laptop")
			return err
		},
		act: func(v *Vault, _ sessions, tg target, seen int64) error {
			return v.AllowFingerprintIfUnchanged(ctx, tg.name, seen)
		},
		kept: func(s sessions, tg target) error {
			if d, err := denialOf(s.a, tg.name); err != nil || d.Note != "stolen laptop" {
				return fmt.Errorf("B's denial is gone: %+v %v", d, err)
			}
			return nil
		},
	},
}

// onBothBackends runs test with two sessions on a vault file, then on a
// team vault.
func onBothBackends(t *testing.T, test func(t *testing.T, s sessions)) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { test(t, twoSessions(t, backend)) })
	}
}

// eachEditKind runs test for every kind of edit on both backends, with
// the row shown to A and the version A saw.
func eachEditKind(t *testing.T, test func(t *testing.T, s sessions, k editKind, tg target, seen int64)) {
	onBothBackends(t, func(t *testing.T, s sessions) {
		for _, k := range editKinds {
			t.Run(k.name, func(t *testing.T) {
				tg, seen := k.show(t, s)
				test(t, s, k, tg, seen)
			})
		}
	})
}

// TestEditOfAChangedRowRefused: A is shown a row, B changes it, A's edit
// naming the version it saw is refused with a sentence that names B and
// the change; the row keeps B's change; the same edit without a version
// acts on the current state.
func TestEditOfAChangedRowRefused(t *testing.T) {
	eachEditKind(t, func(t *testing.T, s sessions, k editKind, tg target, seen int64) {
		if seen == 0 {
			t.Fatal("A was shown no version")
		}
		if err := k.change(s.b, s, tg); err != nil {
			t.Fatalf("B's change: %v", err)
		}
		err := k.act(s.a, s, tg, seen)
		var ce *ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) {
			t.Fatalf("A's edit of a row B changed: %v, want a *ConflictError", err)
		}
		msg := err.Error()
		for _, want := range []string{s.bName, "since you looked at it", "look at it again"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q does not say %q", msg, want)
			}
		}
		if ce.Seen != seen || ce.At.IsZero() || ce.Change == "" {
			t.Errorf("conflict %+v", ce)
		}
		if err := k.kept(s, tg); err != nil {
			t.Error(err)
		}
		if err := k.act(s.a, s, tg, 0); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("the same edit without a version: %v", err)
		}
	})
}

// TestEditRace: A and B are shown the same row and edit it at the same
// moment, both naming the version they saw: exactly one edit lands, the
// other is refused as a conflict.
func TestEditRace(t *testing.T) {
	eachEditKind(t, func(t *testing.T, s sessions, k editKind, tg target, seen int64) {
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, v := range []*Vault{s.a, s.b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = k.act(v, s, tg, seen)
			}()
		}
		close(start)
		wg.Wait()
		won, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, ErrConflict):
				refused++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if won != 1 || refused != 1 {
			t.Errorf("%d edits landed and %d were refused (%v), want one of each", won, refused, errs)
		}
	})
}

// TestVersionsOnRecords: every read hands out the version; an edit gives
// its row a new one, which is the audit entry of the change.
func TestVersionsOnRecords(t *testing.T) {
	s := twoSessions(t, "sqlite")
	r := issued(t, s, "Dora")
	listed, err := s.a.List(ctx, Filter{Search: "Dora"})
	if err != nil || len(listed) != 1 || listed[0].Version != r.Version || r.Version == 0 {
		t.Fatalf("listed %+v, issued version %d (%v)", listed, r.Version, err)
	}
	if info := r.Info(r.NotBefore); info.Version != r.Version {
		t.Errorf("the JSON record's version %d, want %d", info.Version, r.Version)
	}
	revoked, err := s.b.Revoke(ctx, r.ID, 1)
	if err != nil || revoked.Version <= r.Version {
		t.Fatalf("version after revoking %d, before %d (%v)", revoked.Version, r.Version, err)
	}
	entries, err := s.a.Audit(ctx, r.ID, 1)
	if err != nil || len(entries) != 1 || entries[0].ID != revoked.Version || entries[0].Action != "cert.revoke" {
		t.Errorf("the version %d is not the revocation's audit entry: %+v %v", revoked.Version, entries, err)
	}
}

// downgradeToSchema4 makes the vault what the build before versions left:
// schema 4, without the version columns.
func downgradeToSchema4(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, table := range []string{"certs", "cas", "profiles", "denied_fingerprints"} {
		mustExec(t, db, `ALTER TABLE `+table+` DROP COLUMN version`)
	}
	mustExec(t, db, `UPDATE meta SET value = '4' WHERE name = 'schema_version'`)
}

// TestVersionsMigration: a schema 4 vault gains its versions on open, on
// SQLite and on PostgreSQL, and its records check clean and take
// versioned edits; on a team vault only the tables' owner may migrate,
// and others are told so; a newer schema is still refused.
func TestVersionsMigration(t *testing.T) {
	onBothBackends(t, func(t *testing.T, s sessions) {
		onTeam := s.a.onServer()
		r := issued(t, s, "Old")
		savedProfile(t, s.a, "old", 30)
		where, pass := s.a.path, []byte(nil)
		var raw *sql.DB
		if !onTeam {
			s.a.Close()
			s.b.Close()
			raw = rawDB(t, where)
		} else {
			where, pass = s.a.dsn, teamPass["alice"]
			raw = rawPG(t, where)
		}
		downgradeToSchema4(t, raw)
		if onTeam {
			_, err := Open(s.b.dsn)
			if err == nil || !strings.Contains(err.Error(), "only the admin who created this team vault") {
				t.Errorf("bob opens a schema 4 team vault whose tables alice owns: %v", err)
			}
		}
		v := unlocked(t, where, pass)
		if got, _ := schemaVersion(ctx, v.db); got != SchemaVersion {
			t.Fatalf("schema %d after open, want %d", got, SchemaVersion)
		}
		rep, err := v.CheckAll(ctx, CheckOptions{Full: true})
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("check after the migration: %+v %v", rep.Problems, err)
		}
		migrated := certVersion(t, v, r.ID)
		if migrated != 1 || profileVersion(t, v, "old") != 1 {
			t.Fatalf("versions after the migration: certificate %d, profile %d", migrated, profileVersion(t, v, "old"))
		}
		if _, err := v.RevokeIfUnchanged(ctx, r.ID, 1, migrated); err != nil {
			t.Fatalf("a versioned revocation of a migrated certificate: %v", err)
		}
		if _, err := v.UnrevokeIfUnchanged(ctx, r.ID, migrated); !errors.Is(err, ErrConflict) {
			t.Errorf("an edit from the version before the revocation: %v", err)
		}
		mustExec(t, raw, `UPDATE meta SET value = ? WHERE name = 'schema_version'`, fmt.Sprint(SchemaVersion+1))
		if _, err := Open(where); !errors.Is(err, ErrNewerSchema) {
			t.Errorf("a newer schema: %v", err)
		}
	})
}

// TestRevokeManyAsListed: a bulk revocation of rows as they were listed
// revokes none when one changed since, and names it; as they are now, it
// revokes them all.
func TestRevokeManyAsListed(t *testing.T) {
	onBothBackends(t, func(t *testing.T, s sessions) {
		listed := []Record{issued(t, s, "Eve"), issued(t, s, "Finn"), issued(t, s, "Gus")}
		if _, err := s.b.RenewIfUnchanged(ctx, listed[1].ID, RenewOptions{RevokeOld: true}, listed[1].Version); err != nil {
			t.Fatal(err)
		}
		n, err := s.a.RevokeManyIfUnchanged(ctx, listed, 1)
		var ce *ConflictError
		if n != 0 || !errors.As(err, &ce) || !strings.Contains(err.Error(), `"Finn"`) || !strings.Contains(err.Error(), s.bName) {
			t.Fatalf("a bulk revocation from a stale listing: %d revoked, %v", n, err)
		}
		if r, _ := s.a.Get(ctx, listed[0].ID); r.Revoked() {
			t.Error("a certificate of the refused batch was revoked")
		}
		for i := range listed {
			listed[i] = mustGet(t, s.a, listed[i].ID)
		}
		if n, err := s.a.RevokeManyIfUnchanged(ctx, listed, 1); n != 2 || err != nil {
			t.Errorf("the batch as it is now: %d revoked (Finn was already), %v", n, err)
		}
	})
}

func mustGet(t *testing.T, v *Vault, id int64) Record {
	t.Helper()
	r, err := v.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestVersionNeverHeld: an edit given a version the row never had (a
// typo, a negative number) is refused with a sentence that says so, and
// names no change that did not happen.
func TestVersionNeverHeld(t *testing.T) {
	v := newVault(t)
	alice := issuedBy(t, v, newCA(t, v, "Acme"), "Alice")
	for _, seen := range []int64{alice.Version + 1000, -5} {
		_, err := v.RevokeIfUnchanged(ctx, alice.ID, 1, seen)
		var c *ConflictError
		if !errors.As(err, &c) || !errors.Is(err, ErrConflict) {
			t.Fatalf("revoke at version %d: %v, want a ConflictError", seen, err)
		}
		want := fmt.Sprintf("is at version %d and never was at version %d: nothing was done", alice.Version, seen)
		if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, " by ") {
			t.Errorf("revoke at version %d: %q, want it to say %q and name nobody", seen, msg, want)
		}
	}
	if got, err := v.Get(ctx, alice.ID); err != nil || got.Revoked() {
		t.Errorf("after the refusals: revoked %v (%v), want untouched", got.Revoked(), err)
	}
}
