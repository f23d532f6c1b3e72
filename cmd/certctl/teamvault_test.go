package main

import (
	"strings"
	"testing"

	"certdesk/core/peer/peertest"
	"certdesk/core/pgtest"
)

// TestTeamVaultWorkflow runs certctl on a team vault in a real PostgreSQL,
// named by CERTDESK_VAULT and by --vault.
func TestTeamVaultWorkflow(t *testing.T) {
	pg := pgtest.Start(t)
	url := pg.NewDatabase(t, "")
	s := newSession(t)
	s.vars["CERTDESK_VAULT"] = url
	if out := s.ok("init"); !strings.Contains(out, "postgres://") {
		t.Errorf("init: %s", out)
	}
	s.fails(1, "already holds a Certdesk vault", "init")
	s.ok("ca", "create", "Team CA", "--org", "Acme")
	alice := decodeJSON[map[string]any](t, s.ok("issue", "--cn", "Alice Example", "--email", "alice@example.com", "--json"))
	s.ok("issue", "--cn", "Bob")
	s.ok("revoke", "Alice Example", "--reason", "keyCompromise")
	s.ok("crl", "--out", s.path("crl.pem"))
	s.ok("export", "Team CA", "--format", "pem", "--out", s.path("ca.pem"))

	s.vars["CERTDESK_VAULT"] = s.path("not-this-one.db")
	list := decodeJSON[[]map[string]any](t, s.ok("--vault", url, "list", "--json"))
	if len(list) != 3 {
		t.Fatalf("list has %d entries, want 3 (CA, Alice, Bob)", len(list))
	}
	found := decodeJSON[[]map[string]any](t, s.ok("--vault", url, "list", "--search", "ALICE@", "--json"))
	if len(found) != 1 || found[0]["status"] != "revoked" || found[0]["fingerprint_sha256"] != alice["fingerprint_sha256"] {
		t.Errorf("search for Alice: %v", found)
	}
	s.ok("--vault", url, "check")
	if log := s.ok("--vault", url, "log"); !strings.Contains(log, "cert.revoke") {
		t.Errorf("log lacks the revocation:\n%s", log)
	}
	peertest.Require(t, "openssl")
	if out := peertest.Run(t, "openssl", "crl", "-in", s.path("crl.pem"), "-CAfile", s.path("ca.pem"), "-noout", "-verify"); !strings.Contains(out, "verify OK") {
		t.Errorf("openssl crl -verify: %s", out)
	}
	serial := strings.ToUpper(strings.ReplaceAll(alice["serial"].(string), ":", ""))
	if out := peertest.Run(t, "openssl", "crl", "-in", s.path("crl.pem"), "-noout", "-text"); !strings.Contains(out, serial) {
		t.Errorf("the CRL does not list Alice's serial %s:\n%s", serial, out)
	}
}
