package main

import (
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict/verdicttest"
)

// TestVerifyWithoutVault judges files as `openssl verify` does, with no
// vault: the same decision as openssl for every case of the matrix, and
// the malformed verdict (exit 3) for a PEM file with a damaged leaf.
func TestVerifyWithoutVault(t *testing.T) {
	t.Parallel()
	peertest.Require(t, "openssl")
	m, err := verdicttest.Build(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(t)
	ca := s.write("ca.pem", string(pki.EncodeCertPEM(m.Root.Cert)))
	var crls string
	for _, der := range m.CRLs {
		crls += string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
	}
	crl := s.write("crl.pem", crls)
	for _, c := range m.Cases {
		if len(c.Certs) == 0 || c.Name == "revoked by fingerprint" {
			continue
		}
		leaf := s.write("leaf.pem", string(pki.EncodeCertPEM(c.Certs[0])))
		args := []string{"verify", leaf, "--trust", ca, "--crl", crl, "--json"}
		oargs := []string{"verify", "-purpose", "sslclient", "-auth_level", "2", "-verify_depth", "2", "-crl_check_all", "-CRLfile", crl, "-CAfile", ca}
		if len(c.Certs) > 1 {
			var rest string
			for _, x := range c.Certs[1:] {
				rest += string(pki.EncodeCertPEM(x))
			}
			u := s.write("untrusted.pem", rest)
			args = append(args, "--untrusted", u)
			oargs = append(oargs, "-untrusted", u)
		}
		out, _, code := s.run(args...)
		res := decodeJSON[map[string]any](t, out)
		oout, oerr := peertest.Try(t, "openssl", append(oargs, leaf)...)
		opensslOK := oerr == nil && strings.Contains(oout, ": OK")
		if (code == 0) != opensslOK || (code != 0 && code != 3) {
			t.Errorf("%s: certctl exit %d (%v), openssl: %s", c.Name, code, res["verdict"], oout)
		}
	}
	if _, err := os.Stat(s.path("vault.db")); err == nil {
		t.Error("verify --trust opened a vault")
	}

	damaged := s.write("damaged.pem", "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n")
	out, _, code := s.run("verify", damaged, "--trust", ca, "--json")
	if res := decodeJSON[map[string]any](t, out); code != 3 || res["verdict"] != "malformed" {
		t.Errorf("damaged PEM leaf: exit %d, %v", code, res)
	}
	s.fails(2, "--crl needs --trust", "verify", damaged, "--crl", crl)
	s.fails(1, "trusted CAs", "verify", damaged, "--trust", damaged)
}
