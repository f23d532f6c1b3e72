package engine

import (
	"errors"
	"strings"
	"testing"
)

// TestEditsNameTheVersionTheySaw: through the engine, as the faces call
// it: A lists a row, B (another window on the same vault file) changes
// it, and A's edit naming the version it saw is refused with a
// *ConflictError that names B; with no version it acts.
func TestEditsNameTheVersionTheySaw(t *testing.T) {
	a := newEngine(t)
	b, err := OpenUnlocked(a.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a.SetActor("alice (app)")
	b.SetActor("bob (certctl)")
	ca := newCA(t, a, "Acme")
	if err := a.SaveProfile(ctx, Profile{Name: "staff", Days: 30}, false); err != nil {
		t.Fatal(err)
	}
	edits := []struct {
		name   string
		seen   func() int64
		change func() error
		act    func(seen int64) error
	}{
		{"unrevoke", func() int64 { return rowOf(t, a, "Ann").Version },
			func() error { _, err := b.Revoke(ctx, rowOf(t, b, "Ann").ID, 1); return err },
			func(seen int64) error { _, err := a.UnrevokeIfUnchanged(ctx, rowOf(t, a, "Ann").ID, seen); return err }},
		{"renew", func() int64 { return rowOf(t, a, "Ben").Version },
			func() error { _, err := b.Revoke(ctx, rowOf(t, b, "Ben").ID, 1); return err },
			func(seen int64) error {
				_, err := a.RenewIfUnchanged(ctx, rowOf(t, a, "Ben").ID, RenewOptions{}, seen)
				return err
			}},
		{"CA default", func() int64 { c, _ := a.CAByName(ctx, "Acme"); return c.Version },
			func() error { return b.SetDefaultProfile(ctx, ca, "staff") },
			func(seen int64) error { return a.SetDefaultProfileIfUnchanged(ctx, ca, "", seen) }},
		{"profile", func() int64 { return profileRowOf(t, a, "staff").Version },
			func() error { return b.SaveProfile(ctx, Profile{Name: "staff", Days: 60}, true) },
			func(seen int64) error { return a.RemoveProfileIfUnchanged(ctx, "staff", seen) }},
	}
	for _, ed := range edits {
		t.Run(ed.name, func(t *testing.T) {
			seen := ed.seen()
			if err := ed.change(); err != nil {
				t.Fatal(err)
			}
			err := ed.act(seen)
			var ce *ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "bob (certctl)") {
				t.Fatalf("A's edit after B's change: %v", err)
			}
			if err := ed.act(0); err != nil {
				t.Errorf("the same edit on the current state: %v", err)
			}
		})
	}
	// A batch renewal renews what was listed as it was listed.
	listed := []Record{issue(t, a, ca, "Cy"), issue(t, a, ca, "Di")}
	if _, err := b.Revoke(ctx, listed[1].ID, 1); err != nil {
		t.Fatal(err)
	}
	done, err := a.RenewAll(ctx, listed, RenewOptions{}, nil)
	if err != nil || len(done) != 2 || done[0].Err != nil || !errors.Is(done[1].Err, ErrConflict) {
		t.Errorf("renewing a listing one of whose rows B revoked since: %+v %v", done, err)
	}
}

// rowOf is the certificate named cn, made in the vault the first time.
func rowOf(t *testing.T, e *Engine, cn string) Record {
	t.Helper()
	if r, err := e.Find(ctx, cn); err == nil {
		return r
	}
	cas, err := e.CAs(ctx)
	if err != nil || len(cas) == 0 {
		t.Fatal(cas, err)
	}
	return issue(t, e, cas[0], cn)
}

func profileRowOf(t *testing.T, e *Engine, name string) ProfileRow {
	t.Helper()
	rows, err := e.ProfileRows(ctx)
	for _, r := range rows {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no profile %q: %+v %v", name, rows, err)
	return ProfileRow{}
}
