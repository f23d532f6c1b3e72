package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestTeamAdminsCLI: an owner adds an issuer and an auditor with certctl;
// each works as their own database role within their rights, is refused
// beyond them with a sentence, and a removed admin opens nothing.
func TestTeamAdminsCLI(t *testing.T) {
	team := newTeamCLI(t)
	alice := team["alice"]
	alice.fails(1, "already an admin", "admin", "add", "ivan", "--role", "owner", "--new-passphrase-file", alice.path("ivan.pw"))
	admins := decodeJSON[[]map[string]any](t, alice.ok("admin", "list", "--json"))
	if len(admins) != 3 {
		t.Fatalf("admin list: %v", admins)
	}

	ivan := team["ivan"]
	ivan.ok("issue", "--cn", "Bob")
	ivan.ok("issue", "--cn", "Carol")
	ivan.ok("revoke", "Carol")
	ivan.ok("crl", "--out", ivan.path("crl.pem"))
	ivan.ok("export", "Bob", "--format", "key", "--password-file", alice.path("ivan.pw"), "--out", ivan.path("bob.key"))
	ivan.fails(1, "ivan is an issuer in this team vault", "ca", "create", "Rogue CA")
	ivan.fails(1, "an issuer", "admin", "add", "mallory", "--role", "owner", "--new-passphrase-file", alice.path("ivan.pw"))

	audrey := team["audrey"]
	if list := decodeJSON[[]map[string]any](t, audrey.ok("list", "--json")); len(list) != 3 {
		t.Errorf("the auditor lists %d certificates, want 3", len(list))
	}
	audrey.ok("check")
	if log := audrey.ok("log"); !strings.Contains(log, "ivan [issuer]") {
		t.Errorf("the log does not name the issuer:\n%s", log)
	}
	audrey.fails(1, "", "export", "Bob", "--format", "key", "--password-file", alice.path("ivan.pw"), "--out", audrey.path("bob.key"))
	audrey.fails(1, "audrey is an auditor", "revoke", "Bob")
	// Asked, certctl says what each role may and may not do (one table
	// for app and CLI, the one the database is tested against).
	if out := audrey.ok("admin", "me"); !strings.Contains(out, "Signed in as audrey (auditor)") || !strings.Contains(out, "need an issuer or owner") {
		t.Errorf("admin me as the auditor: %s", out)
	}
	for who, want := range map[string]string{"audrey": "issuing", "ivan": "managing CAs", "alice": ""} {
		me := decodeJSON[map[string]any](t, team[who].ok("admin", "me", "--json"))
		mayNot := fmt.Sprint(me["may_not"])
		if (want == "") != (mayNot == "[]") || !strings.Contains(mayNot, want) {
			t.Errorf("admin me --json as %s: may not %s, want it to name %q", who, mayNot, want)
		}
	}

	out := alice.ok("admin", "remove", "ivan")
	if !strings.Contains(out, "re-sealed") {
		t.Errorf("admin remove: %s", out)
	}
	ivan.fails(1, "", "issue", "--cn", "Dave")
	alice.ok("export", "Bob", "--format", "key", "--password-file", alice.path("ivan.pw"), "--out", alice.path("bob-after.key"))
	audrey.ok("check")
}

// newTeamCLI makes a team vault with certctl: alice (owner) creates it and
// CA "Team CA", then adds ivan (issuer) and audrey (auditor); each gets a
// session that connects as their own database role.
func newTeamCLI(t *testing.T) map[string]*session {
	pg := pgtest.Start(t)
	ownerURL := pg.NewDatabase(t, "alice")
	db := strings.TrimPrefix(strings.SplitN(ownerURL, "?", 2)[0], "postgres:///")
	as := func(name, pass string) *session {
		s := newSession(t)
		s.vars["CERTDESK_VAULT"] = pg.URL(db, name)
		s.vars["CERTDESK_PASSPHRASE"] = pass
		return s
	}
	alice := as("alice", "quartz meadow lantern orbit")
	alice.ok("init")
	alice.ok("ca", "create", "Team CA")
	alice.write("ivan.pw", "copper violin harbour tulip\n")
	alice.write("audrey.pw", "granite pepper saddle moon\n")
	alice.ok("admin", "add", "ivan", "--role", "issuer", "--new-passphrase-file", alice.path("ivan.pw"))
	alice.ok("admin", "add", "audrey", "--role", "auditor", "--new-passphrase-file", alice.path("audrey.pw"))
	return map[string]*session{"alice": alice, "ivan": as("ivan", "copper violin harbour tulip"), "audrey": as("audrey", "granite pepper saddle moon")}
}

// TestTeamRevocationReachesServer: a test server run by the issuer in its
// own process refuses people the owner revokes from this one within a
// second each, told by PostgreSQL (LISTEN/NOTIFY): the server's own
// safety-net poll is 10 s. The second revocation follows a rotation of
// the vault key, which the running server follows too.
func TestTeamRevocationReachesServer(t *testing.T) {
	team := newTeamCLI(t)
	alice, ivan := team["alice"], team["ivan"]
	ivan.ok("issue", "--cn", "Pat")
	ivan.ok("issue", "--cn", "Quinn")
	srv := startServe(t, ivan, "--ca", "Team CA")
	for _, who := range []string{"Pat", "Quinn"} {
		if out := ivan.ok("try", "--as", who, "--addr", srv.addr); !strings.Contains(out, "verdict ok") {
			t.Fatalf("try as %s before: %s", who, out)
		}
	}
	time.Sleep(time.Second) // past the server's first poll
	for i, who := range []string{"Pat", "Quinn"} {
		if i == 1 {
			// The owner rotates the vault key (adding and removing an
			// admin) while the issuer's server runs: it follows.
			alice.ok("admin", "add", "olga", "--role", "issuer", "--new-passphrase-file", alice.path("ivan.pw"))
			alice.ok("admin", "remove", "olga")
		}
		alice.ok("revoke", who)
		// Measured from the revocation's commit (the command has returned),
		// not from the start of a process that first derives its key.
		revokedAt := time.Now()
		for {
			out, _, _ := ivan.run("try", "--as", who, "--addr", srv.addr)
			if strings.Contains(out, "verdict revoked") {
				break
			}
			if time.Since(revokedAt) > 5*time.Second {
				t.Fatalf("%s still let in 5 s after the revocation: %s", who, out)
			}
			time.Sleep(20 * time.Millisecond)
		}
		delay := time.Since(revokedAt)
		t.Logf("%s's revocation reached the issuer's server after %v", who, delay)
		if delay > time.Second {
			t.Errorf("%s's revocation took %v to reach the server, want under 1 s", who, delay)
		}
	}
}

// TestMigrateCLI moves a vault file into PostgreSQL and back with certctl,
// and restores a backup of the team vault into a database and a file.
func TestMigrateCLI(t *testing.T) {
	pg := pgtest.Start(t)
	s := newVaultSession(t)
	s.ok("ca", "create", "Acme CA")
	for _, cn := range []string{"Alice", "Bob"} {
		s.ok("issue", "--cn", cn)
	}
	s.ok("revoke", "Bob")
	url := pg.NewDatabase(t, "")
	if out := s.ok("migrate", "--to", url); !strings.Contains(out, "every record compared") {
		t.Errorf("migrate: %s", out)
	}
	s.fails(1, "already holds a vault", "migrate", "--to", url)
	team := newSession(t)
	team.vars["CERTDESK_VAULT"] = url
	team.ok("check")
	list := decodeJSON[[]map[string]any](t, team.ok("list", "--status", "revoked", "--json"))
	if len(list) != 1 || list[0]["common_name"] != "Bob" {
		t.Errorf("revoked in the team vault: %v", list)
	}
	team.ok("issue", "--cn", "Carol")
	team.ok("backup", team.path("team-backup.db"))
	for _, target := range []string{pg.NewDatabase(t, ""), team.path("restored.db")} {
		r := newSession(t)
		r.vars["CERTDESK_VAULT"] = target
		r.ok("restore", team.path("team-backup.db"))
		r.ok("check")
		if n := len(decodeJSON[[]map[string]any](t, r.ok("list", "--json"))); n != 4 {
			t.Errorf("%d certificates restored from the team backup into %s, want 4", n, target)
		}
	}
	back := team.path("back.db")
	team.ok("migrate", "--to", back)
	team.vars["CERTDESK_VAULT"] = back
	team.ok("check")
	if n := len(decodeJSON[[]map[string]any](t, team.ok("list", "--json"))); n != 4 {
		t.Errorf("%d certificates after the round trip, want 4", n)
	}
}
