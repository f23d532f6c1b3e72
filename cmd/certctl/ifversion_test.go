package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestIfVersion: a script shows a certificate, someone else changes it,
// and the script's revoke, unrevoke or renew naming the version it saw is
// refused with a sentence (exit 1) that says who changed it; the change
// stands; without --if-version the command acts on the current state.
func TestIfVersion(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Acme CA")
	cases := []struct {
		name    string
		prepare []string   // before the script looks
		change  [][]string // someone else, in between
		act     []string   // the script's command, given --if-version
		status  string     // what the certificate shows after the refusal
	}{
		{"revoke", nil, [][]string{{"revoke", "Ann"}, {"unrevoke", "Ann"}}, []string{"revoke", "Ann", "--reason", "keyCompromise"}, "valid"},
		{"unrevoke", []string{"revoke", "Ben", "--reason", "certificateHold"}, [][]string{{"unrevoke", "Ben"}, {"revoke", "Ben", "--reason", "keyCompromise"}}, []string{"unrevoke", "Ben"}, "revoked"},
		{"renew", nil, [][]string{{"revoke", "Cy"}}, []string{"renew", "Cy"}, "revoked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cn := tc.act[1]
			s.ok("issue", "--cn", cn)
			if tc.prepare != nil {
				s.ok(tc.prepare...)
			}
			shown := decodeJSON[map[string]any](t, s.ok("show", cn, "--json"))
			seen := fmt.Sprint(shown["version"])
			if seen == "" || seen == "<nil>" || seen == "0" {
				t.Fatalf("show --json gives no version: %v", shown)
			}
			if out := s.ok("show", cn); !strings.Contains(out, "Version") {
				t.Errorf("show says no version:\n%s", out)
			}
			for _, c := range tc.change {
				s.ok(c...)
			}
			s.fails(1, "since you looked at it", append(tc.act, "--if-version", seen)...)
			_, errOut, _ := s.run(append(tc.act, "--if-version", seen)...)
			if !strings.Contains(errOut, "(certctl)") || !strings.Contains(errOut, "look at it again") {
				t.Errorf("the refusal does not say who changed it and what to do: %s", errOut)
			}
			listed := decodeJSON[[]map[string]any](t, s.ok("list", "--search", cn, "--json"))
			if len(listed) != 1 || listed[0]["status"] != tc.status || fmt.Sprint(listed[0]["version"]) == seen {
				t.Errorf("after the refusal: %v, want one %s certificate at a version other than %s", listed, tc.status, seen)
			}
			now := fmt.Sprint(listed[0]["version"])
			s.ok(append(tc.act, "--if-version", now)...)
		})
	}
	s.fails(2, "invalid argument", "revoke", "Ann", "--if-version", "seven")
}
