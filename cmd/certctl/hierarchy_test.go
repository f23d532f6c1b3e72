package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/deploy"
	"certdesk/core/peer/peertest"
)

// TestHierarchyCommands drives the hierarchy from the command line: a root
// with room for issuing CAs, one made here with name constraints and one
// signed from an openssl CSR that asks for more than it gets, a profile as
// a CA's default, refusals with their sentences, and a deployment kit for
// the issuing CA that openssl checks.
func TestHierarchyCommands(t *testing.T) {
	t.Parallel()
	s := newVaultSession(t)
	s.ok("ca", "create", "Root", "--path-len", "1")
	s.fails(1, "a path length of at most 0, not 1", "ca", "create", "Deep", "--parent", "Root", "--path-len", "1")
	s.ok("ca", "create", "Issuing", "--parent", "Root", "--permit", "email:example.com", "--permit", "uri:example.org", "--exclude", "dns:secret.example.com", "--country", "DE")
	s.fails(2, "name constraint kind", "ca", "create", "Bad", "--parent", "Root", "--permit", "host:example.com")
	tree := s.ok("ca", "tree")
	if !strings.Contains(tree, "Root  (path length 1)") || !strings.Contains(tree, "  Issuing  (path length 0; permit email:example.com, permit uri:example.org, exclude dns:secret.example.com)") {
		t.Errorf("ca tree:\n%s", tree)
	}

	// An issuing CA from a CSR made by openssl, asking for CA:TRUE with no path limit.
	key, csr := s.path("team.key"), s.path("team.csr")
	peertest.Run(t, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
		"-subj", "/O=Team/CN=Team CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "extendedKeyUsage=codeSigning")
	s.ok("ca", "sign-intermediate", "--ca", "Root", "--csr", csr, "--permit", "dns:team.example.com", "--out", s.path("team-chain.pem"))
	text := peertest.Run(t, "openssl", "x509", "-in", s.path("team-chain.pem"), "-noout", "-text")
	for _, want := range []string{"CA:TRUE, pathlen:0", "Permitted:", "DNS:team.example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("the signed issuing CA lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Code Signing") {
		t.Errorf("the request's EKU was copied:\n%s", text)
	}

	// Leaves: SPIFFE, the fuller subject, constraints refused.
	s.ok("issue", "--ca", "Issuing", "--cn", "billing", "--uri", "spiffe://example.org/ns/prod/sa/billing", "--usage", "client+server", "--state", "Bayern", "--locality", "München")
	s.fails(1, "is not among the names", "issue", "--ca", "Issuing", "--cn", "Eve", "--email", "eve@evil.test")
	s.fails(1, "not a valid SPIFFE ID", "issue", "--ca", "Issuing", "--cn", "x", "--uri", "spiffe://Example.org/x")
	s.fails(2, "not a usage", "issue", "--ca", "Issuing", "--cn", "x", "--usage", "ca")

	// Profiles.
	s.ok("profile", "add", "devices", "--days", "90", "--org", "Acme Devices", "--san", "dns,ip", "--country", "DE")
	s.fails(1, "already in the vault", "profile", "add", "devices")
	s.ok("profile", "default", "--ca", "Root", "devices")
	dev := decodeJSON[map[string]any](t, s.ok("issue", "--ca", "Root", "--cn", "sensor-1", "--dns", "sensor-1.example.com", "--ip", "10.0.0.7", "--json"))
	if dev["kind"] != "client" || !strings.Contains(dev["subject"].(string), "O=Acme Devices") || !strings.Contains(dev["subject"].(string), "C=DE") {
		t.Errorf("issued with the default profile: %v", dev)
	}
	s.fails(1, `allows only dns, ip names, not email`, "issue", "--ca", "Root", "--cn", "x", "--email", "x@example.com")
	s.fails(1, "no profile named", "issue", "--ca", "Root", "--cn", "y", "--profile", "none-such")
	if list := s.ok("profile", "list"); !strings.Contains(list, "devices") || !strings.Contains(list, "dns,ip") {
		t.Errorf("profile list:\n%s", list)
	}
	s.ok("profile", "default", "--ca", "Root", "--none")
	s.ok("issue", "--ca", "Root", "--cn", "y", "--email", "y@example.com")
	s.ok("profile", "remove", "devices")
	s.fails(1, "no profile named", "profile", "remove", "devices")

	// A kit for the issuing CA: the root as anchor, a CRL for each level.
	s.ok("issue", "--ca", "Issuing", "--cn", "Rick", "--email", "rick@example.com")
	s.ok("revoke", "Rick")
	kit := s.path("kit")
	s.ok("deploy", "--ca", "Issuing", "--server", "nginx,apache,haproxy", "--out", kit, "--dns", "mtls.example.com")
	file := func(name string) string { return filepath.Join(kit, name) }
	s.ok("export", "Root", "--format", "pem", "--out", s.path("root.pem"))
	if a, b := peertest.ReadFile(t, file(deploy.CAFileName)), peertest.ReadFile(t, s.path("root.pem")); string(a) != string(b) {
		t.Error("the kit's ca.pem is not the root")
	}
	peertest.Run(t, "openssl", "verify", "-CAfile", file(deploy.CAFileName), "-untrusted", file(deploy.ChainFileName), "-purpose", "sslserver", file(deploy.ServerCertFileName))
	crls := string(peertest.ReadFile(t, file(deploy.CRLFileName)))
	if n := strings.Count(crls, "BEGIN X509 CRL"); n != 2 {
		t.Errorf("crl.pem holds %d CRLs, want the issuing CA's and the root's", n)
	}
	// The kit's files judge like a server would: every level's CRL checked.
	s.ok("export", "billing", "--format", "pem", "--out", s.path("billing.pem"))
	s.ok("export", "Rick", "--format", "pem", "--out", s.path("rick.pem"))
	kitVerify := func(who string) (string, error) {
		return peertest.Try(t, "openssl", "verify", "-purpose", "sslclient", "-crl_check_all", "-CRLfile", file(deploy.CRLFileName),
			"-CAfile", file(deploy.CAFileName), "-untrusted", file(deploy.ChainFileName), s.path(who))
	}
	if out, err := kitVerify("billing.pem"); err != nil {
		t.Errorf("a person of the issuing CA with the kit's files: %v\n%s", err, out)
	}
	if out, err := kitVerify("rick.pem"); err == nil || !strings.Contains(out, "certificate revoked") {
		t.Errorf("the revoked person with the kit's files: %v\n%s", err, out)
	}
	nginx := string(peertest.ReadFile(t, file(deploy.Nginx.FileName())))
	for _, want := range []string{"ssl_verify_depth 2;", `$ssl_client_i_dn != "CN=Issuing,C=DE"`, "ssl_trusted_certificate"} {
		if !strings.Contains(nginx, want) {
			t.Errorf("nginx kit lacks %q:\n%s", want, nginx)
		}
	}
	if apache := string(peertest.ReadFile(t, file(deploy.Apache.FileName()))); !strings.Contains(apache, "SSLCARevocationCheck  chain") {
		t.Errorf("apache kit:\n%s", apache)
	}
	// A sibling bearing the issuing CA's name would pass the servers' issuer check: refused.
	s.ok("ca", "create", "Twin", "--parent", "Root", "--cn", "Issuing", "--country", "DE")
	s.fails(1, "has the same name", "deploy", "--ca", "Issuing", "--server", "nginx", "--out", s.path("kit2"))
	// An imported intermediate without its root keeps the refusal.
	s.ok("export", "Issuing", "--format", "pem", "--out", s.path("issuing.pem"))
	s.ok("export", "Issuing", "--format", "key", "--out", s.path("issuing.key"))
	other := newVaultSession(t)
	other.ok("ca", "import", "Lone", "--cert", s.path("issuing.pem"), "--key", s.path("issuing.key"))
	other.fails(1, "intermediate CA", "deploy", "--ca", "Lone", "--server", "nginx", "--out", other.path("kit"))
	if _, err := os.Stat(other.path("kit/crl.pem")); err == nil {
		t.Error("a refused kit left a CRL behind")
	}
}

// TestBulkUnderConstraints: bulk issuance from a constrained issuing CA
// refuses the rows outside its constraints, each alone, and issues the rest.
func TestBulkUnderConstraints(t *testing.T) {
	t.Parallel()
	s := newVaultSession(t)
	s.ok("ca", "create", "Root", "--path-len", "1")
	s.ok("ca", "create", "People", "--parent", "Root", "--permit", "email:example.com")
	csv := s.write("team.csv", "name,email\nAlice,alice@example.com\nEve,eve@evil.test\nBob,bob@example.com\n")
	out, errOut, code := s.run("bulk", "--ca", "People", "--csv", csv, "--out", s.path("team"))
	if !strings.Contains(out+errOut, "eve@evil.test") || !strings.Contains(out+errOut, "not among the names") {
		t.Errorf("bulk (exit %d) does not report the row outside the constraints:\n%s%s", code, out, errOut)
	}
	list := decodeJSON[[]map[string]any](t, s.ok("list", "--ca", "People", "--json"))
	if len(list) != 2 {
		t.Errorf("%d certificates issued, want Alice and Bob: %v", len(list), list)
	}
}
