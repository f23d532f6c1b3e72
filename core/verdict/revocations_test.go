package verdict

import (
	"testing"
	"time"
)

// TestRevocationsKeepEachValue: every key gives back the revocation put
// last under it, equal ones shared or not, and the count is of keys.
func TestRevocationsKeepEachValue(t *testing.T) {
	when := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	puts := []struct {
		key string
		r   Revocation
	}{
		{"a/01", Revocation{Reason: "keyCompromise", Time: when}},
		{"a/02", Revocation{Reason: "keyCompromise", Time: when}},
		{"a/03", Revocation{Reason: "superseded"}},
		{"b/01", Revocation{Reason: "keyCompromise", Time: when}},
		{"a/02", Revocation{Reason: "cessationOfOperation", Time: when.Add(time.Hour)}},
	}
	s := newRevocations()
	want := map[string]Revocation{}
	for _, p := range puts {
		s.put(p.key, p.r)
		want[p.key] = p.r
	}
	for key, r := range want {
		if got, ok := s.get(key); !ok || got != r {
			t.Errorf("get(%q) = %+v, %v; want %+v", key, got, ok, r)
		}
	}
	if _, ok := s.get("c/01"); ok {
		t.Error("a key never put is revoked")
	}
	if s.len() != len(want) {
		t.Errorf("len %d, want %d", s.len(), len(want))
	}
}
