package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certdesk/core/deploy"
	"certdesk/core/peer/peertest"
)

// TestDeployKit writes a kit for every server and checks it with openssl:
// the server certificate chains to the CA, the CRL is signed by it and
// lists the revoked person, the key matches, and every configuration names
// files that exist. Core's TestRealServers runs the same configurations in
// real servers.
func TestDeployKit(t *testing.T) {
	t.Parallel()
	s := newSessionWithCA(t, "Team CA")
	s.ok("issue", "--cn", "Rick Revoked")
	s.ok("revoke", "Rick Revoked")
	kit := s.path("kit")
	s.ok("deploy", "--server", "all", "--out", kit, "--dns", "mtls.example.test", "--listen", "127.0.0.1:9443")

	file := func(name string) string { return filepath.Join(kit, name) }
	for _, name := range deploy.KitFiles(deploy.Targets) {
		st, err := os.Stat(file(name))
		if err != nil {
			t.Fatalf("%s missing: %v", name, err)
		}
		secret := name == deploy.ServerKeyFileName || name == deploy.ServerBundleFileName
		if secret != (st.Mode().Perm() == 0o600) {
			t.Errorf("%s has mode %v", name, st.Mode().Perm())
		}
	}
	peertest.Run(t, "openssl", "verify", "-CAfile", file("ca.pem"), "-purpose", "sslserver", file("server.pem"))
	crl := peertest.Run(t, "openssl", "crl", "-in", file("crl.pem"), "-CAfile", file("ca.pem"), "-noout", "-text")
	if !strings.Contains(crl, "verify OK") {
		t.Errorf("openssl did not verify the CRL's signature:\n%s", crl)
	}
	if !strings.Contains(crl, "Serial Number") {
		t.Errorf("the CRL does not list the revoked certificate:\n%s", crl)
	}
	certKey := peertest.Run(t, "openssl", "x509", "-in", file("server.pem"), "-noout", "-pubkey")
	keyKey := peertest.Run(t, "openssl", "pkey", "-in", file("server.key"), "-pubout")
	if certKey != keyKey {
		t.Error("server.key does not belong to server.pem")
	}
	if san := peertest.Run(t, "openssl", "x509", "-in", file("server.pem"), "-noout", "-ext", "subjectAltName"); !strings.Contains(san, "mtls.example.test") {
		t.Errorf("server certificate names: %s", san)
	}
	nginx, _ := os.ReadFile(file("nginx-mtls.conf"))
	wantAll(t, "nginx configuration", string(nginx), "listen 127.0.0.1:9443 ssl", "server_name mtls.example.test",
		`ssl_client_certificate "`+file("ca.pem")+`"`, `ssl_crl "`+file("crl.pem")+`"`)

	// A second kit into the same folder is refused before anything is issued.
	before := s.ok("list", "--json")
	s.fails(1, "already exists", "deploy", "--server", "nginx", "--out", kit)
	if after := s.ok("list", "--json"); after != before {
		t.Error("a refused deploy changed the vault")
	}
	s.ok("deploy", "--server", "nginx", "--out", kit, "--force", "--server-cert", "mtls.example.test")

	s.fails(2, "listen address", "deploy", "--server", "nginx", "--out", s.path("k4"), "--listen", "0.0.0.0:443; evil")
	// A folder that cannot be made is refused before anything is issued.
	os.WriteFile(s.path("a-file"), nil, 0o600)
	before = s.ok("list", "--json")
	s.fails(1, "creating the folder", "deploy", "--server", "nginx", "--out", s.path("a-file/kit"))
	if after := s.ok("list", "--json"); after != before {
		t.Error("a deploy into a folder that cannot be made changed the vault")
	}
	s.fails(2, `unknown server "iis"`, "deploy", "--server", "iis", "--out", s.path("k2"))
	s.fails(2, "--out DIR", "deploy", "--server", "nginx")
	s.fails(2, "leave them out", "deploy", "--server", "nginx", "--out", s.path("k2"), "--server-cert", "x", "--dns", "a.test")
	s.fails(1, "not a server certificate", "deploy", "--server", "nginx", "--out", s.path("k3"), "--server-cert", "Rick Revoked")
}
