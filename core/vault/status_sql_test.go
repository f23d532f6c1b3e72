package vault

import (
	"testing"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// TestStatusSQLMatchesGo stores certificates on every status boundary and
// checks that the queries derived from certinfo.StatusRules (List by
// status, CountByStatus) agree with certinfo.StatusAt for each.
func TestStatusSQLMatchesGo(t *testing.T) {
	v := newVault(t)
	now := time.Now().Truncate(time.Second).Add(time.Hour)
	v.Now = func() time.Time { return now }
	ca := newCA(t, v, "Boundaries")
	day := 24 * time.Hour
	w := certinfo.ExpiringWindow
	cases := []struct {
		name     string
		from, to time.Time
		revoke   bool
	}{
		{"valid", now.Add(-day), now.Add(90 * day), false},
		{"just past the threshold", now.Add(-day), now.Add(w + time.Second), false},
		{"at the threshold", now.Add(-day), now.Add(w), false},
		{"at NotAfter", now.Add(-day), now, false},
		{"a second after NotAfter", now.Add(-day), now.Add(-time.Second), false},
		{"at NotBefore", now, now.Add(90 * day), false},
		{"a second before NotBefore", now.Add(time.Second), now.Add(90 * day), false},
		{"revoked and expired", now.Add(-2 * day), now.Add(-day), true},
	}
	want := map[certinfo.Status]int{}
	for _, c := range cases {
		rec, err := v.IssuePerson(ctx, ca, pki.PersonRequest{Name: pki.Name{CommonName: c.name}, Validity: pki.Validity{NotBefore: c.from, NotAfter: c.to}})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.revoke {
			if rec, err = v.Revoke(ctx, rec.ID, 1); err != nil {
				t.Fatal(err)
			}
		}
		goStatus := rec.Status(now)
		want[goStatus]++
		listed, err := v.List(ctx, Filter{Status: goStatus, Search: c.name})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range listed {
			found = found || r.ID == rec.ID
		}
		if !found {
			t.Errorf("%s: Go says %s, the %s query does not list it", c.name, goStatus, goStatus)
		}
	}
	want[rec0Status(t, v, ca, now)]++ // the CA's own certificate is counted too
	counts, err := v.CountByStatus(ctx, ca.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range certinfo.Statuses {
		if counts[st] != want[st] {
			t.Errorf("CountByStatus[%s] = %d, Go counts %d", st, counts[st], want[st])
		}
	}
}

func rec0Status(t *testing.T, v *Vault, ca CA, now time.Time) certinfo.Status {
	t.Helper()
	r, err := v.Get(ctx, ca.CertID)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status(now)
}
