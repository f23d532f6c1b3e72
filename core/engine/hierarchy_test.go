package engine

import (
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/mtls"
	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// hierarchy is a vault with Root (path length 1) and two issuing CAs under
// it, Issuing and Sibling, and a person of each.
type hierarchy struct {
	e                      *Engine
	root, issuing, sibling CA
	alice, sam             Record
}

func newHierarchy(t *testing.T) *hierarchy {
	t.Helper()
	e := newEngine(t)
	h := &hierarchy{e: e}
	var err error
	if h.root, err = e.CreateCA(ctx, "Root", pki.CARequest{PathLen: 1}); err != nil {
		t.Fatal(err)
	}
	for name, ca := range map[string]*CA{"Issuing": &h.issuing, "Sibling": &h.sibling} {
		if *ca, err = e.CreateIntermediate(ctx, name, h.root, pki.CARequest{Name: pki.Name{Organization: "Acme"}}); err != nil {
			t.Fatal(err)
		}
	}
	h.alice = issue(t, e, h.issuing, "Alice")
	h.sam = issue(t, e, h.sibling, "Sam")
	return h
}

// write exports a stored certificate in a format to a file in dir.
func (h *hierarchy) write(t *testing.T, dir string, id int64, f export.Format, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if _, err := h.e.Export(ctx, ExportRequest{ID: id, Format: f, Path: p, Password: "test-password"}); err != nil {
		t.Fatal(err)
	}
	return p
}

// crls writes a fresh CRL of every CA given into one file.
func (h *hierarchy) crls(t *testing.T, dir string, cas ...CA) string {
	t.Helper()
	var all []byte
	for i, ca := range cas {
		p := filepath.Join(dir, "crl-"+ca.Name+"-"+string(rune('a'+i))+".pem")
		if _, err := h.e.WriteCRL(ctx, ca, 0, p, false, true); err != nil {
			t.Fatal(err)
		}
		all = append(all, peertest.ReadFile(t, p)...)
	}
	p := filepath.Join(dir, "crls.pem")
	os.WriteFile(p, all, 0o644)
	return p
}

// TestHierarchyOpenSSLVerify: a person of an issuing CA verifies with
// OpenSSL (purpose sslclient, the intermediate untrusted, CRLs at every
// level) up to the root; once the root revokes the issuing CA, OpenSSL
// and our judge both refuse the person, and the sibling's people stay in.
func TestHierarchyOpenSSLVerify(t *testing.T) {
	h := newHierarchy(t)
	dir := t.TempDir()
	root := h.write(t, dir, h.root.CertID, export.PEM, "root.pem")
	inter := h.write(t, dir, h.issuing.CertID, export.PEM, "issuing.pem")
	alice := h.write(t, dir, h.alice.ID, export.PEM, "alice.pem")
	chain := h.write(t, dir, h.alice.ID, export.Chain, "alice-chain.pem")
	if blocks, _ := pki.PEMBlocks(peertest.ReadFile(t, chain)); len(blocks) != 3 {
		t.Fatalf("the chain export holds %d certificates, want the person, the issuing CA and the root", len(blocks))
	}
	verify := func(crls string) (string, error) {
		return peertest.Try(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", inter, "-crl_check_all", "-CRLfile", crls, alice)
	}
	judge := func() verdict.Result {
		trust, err := h.e.Trust(ctx, h.root)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := pki.ParseCertificates(peertest.ReadFile(t, alice))
		return verdict.JudgeCertificates(leaf, trust, h.e.Now()) // the person sends only her own certificate
	}
	if out, err := verify(h.crls(t, dir, h.root, h.issuing)); err != nil || !strings.Contains(out, "alice.pem: OK") {
		t.Fatalf("openssl verify before the revocation: %v\n%s", err, out)
	}
	if r := judge(); r.Verdict != verdict.OK {
		t.Fatalf("our judge before the revocation: %s (%s)", r.Verdict, r.Explanation)
	}
	if _, err := h.e.Revoke(ctx, h.issuing.CertID, 1); err != nil {
		t.Fatalf("the root revokes the issuing CA: %v", err)
	}
	out, err := verify(h.crls(t, dir, h.root, h.issuing))
	if err == nil || !strings.Contains(out, "certificate revoked") || !strings.Contains(out, "at 1 depth") {
		t.Fatalf("openssl verify after the root revoked the issuing CA: %v\n%s", err, out)
	}
	if r := judge(); r.Verdict != verdict.Revoked {
		t.Fatalf("our judge after the revocation: %s (%s), openssl: %s", r.Verdict, r.Explanation, out)
	}
	trust, _ := h.e.Trust(ctx, h.root)
	sam, _ := h.e.store.Certificate(ctx, h.sam.ID)
	samCA, _ := h.e.store.Certificate(ctx, h.sibling.CertID)
	if r := verdict.JudgeCertificates([]*x509.Certificate{sam, samCA}, trust, h.e.Now()); r.Verdict != verdict.OK {
		t.Errorf("the sibling's person after the issuing CA was revoked: %s (%s)", r.Verdict, r.Explanation)
	}
	// A server trusting only the issuing CA refuses the sibling's people.
	only, _ := h.e.Trust(ctx, h.sibling)
	if r := verdict.JudgeCertificates([]*x509.Certificate{sam}, only, h.e.Now()); r.Verdict != verdict.OK {
		t.Errorf("the sibling's own trust: %s", r.Explanation)
	}
	onlyIssuing, _ := h.e.Trust(ctx, h.issuing)
	if r := verdict.JudgeCertificates([]*x509.Certificate{sam, samCA}, onlyIssuing, h.e.Now()); r.Verdict != verdict.UnknownCA {
		t.Errorf("a person of the sibling CA judged against the issuing CA alone: %s", r.Verdict)
	}
}

// TestOfflineRootRoundTrip: a root made by openssl signs the CSR Certdesk
// writes (openssl x509 -req with a CA extension file, as a root kept
// offline would); the certificate and its root are installed, and a person
// issued by the new CA verifies up to that root with OpenSSL.
func TestOfflineRootRoundTrip(t *testing.T) {
	peertest.Require(t, "openssl")
	e := newEngine(t)
	dir := t.TempDir()
	rootKey, rootCert := filepath.Join(dir, "root.key"), filepath.Join(dir, "root.pem")
	peertest.Run(t, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", rootKey, "-out", rootCert, "-days", "3650", "-subj", "/O=Offline/CN=Offline Root",
		"-addext", "basicConstraints=critical,CA:TRUE,pathlen:1", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	csr := filepath.Join(dir, "issuing.csr")
	if _, err := e.RequestCA(ctx, "Issuing", pki.CARequest{Name: pki.Name{Organization: "Offline"}}, csr); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CAByName(ctx, "Issuing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a pending CA is listed as a CA: %v", err)
	}
	ext := filepath.Join(dir, "ca.ext")
	os.WriteFile(ext, []byte("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"), 0o644)
	signed := filepath.Join(dir, "issuing.pem")
	peertest.Run(t, "openssl", "x509", "-req", "-in", csr, "-CA", rootCert, "-CAkey", rootKey, "-CAcreateserial",
		"-days", "1825", "-extfile", ext, "-out", signed)

	// Without the root after it, or for another key, the install is refused.
	if _, _, err := e.InstallCACert(ctx, "Issuing", signed); err == nil || !strings.Contains(err.Error(), "issuers") {
		t.Errorf("installing without the root: %v", err)
	}
	bundle := filepath.Join(dir, "issuing-bundle.pem")
	os.WriteFile(bundle, append(peertest.ReadFile(t, signed), peertest.ReadFile(t, rootCert)...), 0o644)
	if _, _, err := e.InstallCACert(ctx, "Other", bundle); !errors.Is(err, ErrNotPending) {
		t.Errorf("installing for a CA that waits for nothing: %v", err)
	}
	ca, _, err := e.InstallCACert(ctx, "Issuing", bundle)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e.PendingCAs(ctx); len(p) != 0 {
		t.Errorf("still pending after install: %v", p)
	}
	bob := issue(t, e, ca, "Bob")
	h := &hierarchy{e: e}
	chain := h.write(t, dir, bob.ID, export.Chain, "bob-chain.pem")
	leaf := h.write(t, dir, bob.ID, export.PEM, "bob.pem")
	out := peertest.Run(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", rootCert, "-untrusted", chain, leaf)
	if !strings.Contains(out, "bob.pem: OK") {
		t.Fatalf("openssl verify up to the offline root: %s", out)
	}
	// Our CRL of the installed CA verifies under the openssl root's chain.
	crl := filepath.Join(dir, "issuing.crl")
	if _, err := e.WriteCRL(ctx, ca, 0, crl, false, false); err != nil {
		t.Fatal(err)
	}
	peertest.Run(t, "openssl", "crl", "-in", crl, "-CAfile", signed, "-noout")

	// A certificate for another key is refused.
	if _, err := e.RequestCA(ctx, "Second", pki.CARequest{}, filepath.Join(dir, "second.csr")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.InstallCACert(ctx, "Second", bundle); err == nil || !strings.Contains(err.Error(), "not for the pending CA's key") {
		t.Errorf("installing another CA's certificate: %v", err)
	}
}

// TestPKCS12CarriesTheChain: both presets of a person of an issuing CA
// carry the issuing CA and the root, as openssl, keytool and pk12util read them.
func TestPKCS12CarriesTheChain(t *testing.T) {
	h := newHierarchy(t)
	for _, preset := range export.Presets {
		t.Run(string(preset), func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "alice.p12")
			if _, err := h.e.Export(ctx, ExportRequest{ID: h.alice.ID, Format: export.P12, Preset: preset, Password: "test-password", Path: p}); err != nil {
				t.Fatal(err)
			}
			out := peertest.Run(t, "openssl", "pkcs12", "-in", p, "-passin", "pass:test-password", "-nokeys")
			if n := strings.Count(out, "BEGIN CERTIFICATE"); n != 3 || !strings.Contains(out, "subject=O = Acme, CN = Issuing") || !strings.Contains(out, "subject=CN = Root") {
				t.Errorf("openssl pkcs12 reads %d certificates:\n%s", n, out)
			}
			kt := peertest.Run(t, "keytool", "-list", "-v", "-storetype", "PKCS12", "-keystore", p, "-storepass", "test-password")
			if !strings.Contains(kt, "Certificate chain length: 3") {
				t.Errorf("keytool:\n%s", kt)
			}
			db := t.TempDir()
			peertest.Run(t, "certutil", "-N", "-d", "sql:"+db, "--empty-password")
			peertest.Run(t, "pk12util", "-i", p, "-d", "sql:"+db, "-W", "test-password")
			listed := peertest.Run(t, "certutil", "-L", "-d", "sql:"+db)
			for _, name := range []string{"Alice", "Issuing", "Root"} {
				if !strings.Contains(listed, name) {
					t.Errorf("pk12util imported no %q:\n%s", name, listed)
				}
			}
		})
	}
}

// TestNameConstraintsAtIssue: an issuing CA limited to example.com refuses
// names outside it with a sentence, and a certificate that breaks them
// anyway (signed outside the engine) is refused by our judge and OpenSSL.
func TestNameConstraintsAtIssue(t *testing.T) {
	e := newEngine(t)
	root, err := e.CreateCA(ctx, "Root", pki.CARequest{PathLen: 1})
	if err != nil {
		t.Fatal(err)
	}
	req := pki.CARequest{}
	for _, c := range []string{"dns:example.com", "email:example.com", "uri:example.org", "ip:10.0.0.0/8"} {
		if err := req.Constraints.Add(true, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := req.Constraints.Add(false, "dns:secret.example.com"); err != nil {
		t.Fatal(err)
	}
	ca, err := e.CreateIntermediate(ctx, "Constrained", root, req)
	if err != nil {
		t.Fatal(err)
	}
	ip := func(s string) []net.IP { ips, _ := pki.ParseIPs([]string{s}); return ips }
	tests := []struct {
		name string
		req  pki.PersonRequest
		want string // "" means issued
	}{
		{"inside", pki.PersonRequest{Emails: []string{"a@example.com"}, DNSNames: []string{"dev.example.com"}, URIs: []string{"spiffe://example.org/svc"}, IPAddresses: ip("10.1.2.3")}, ""},
		{"e-mail outside", pki.PersonRequest{Emails: []string{"a@evil.com"}}, `e-mail address "a@evil.com" is not among`},
		{"dns excluded", pki.PersonRequest{DNSNames: []string{"x.secret.example.com"}}, "is excluded by the CA"},
		{"uri outside", pki.PersonRequest{URIs: []string{"spiffe://evil.org/svc"}}, `URI "spiffe://evil.org/svc"`},
		{"ip outside", pki.PersonRequest{IPAddresses: ip("192.168.1.1")}, "192.168.1.1 is not in the ranges"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Name = pki.Name{CommonName: "Device " + tt.name}
			_, err := e.IssuePerson(ctx, ca, tt.req)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, pki.ErrNameConstraint)):
				t.Fatalf("got %v, want a refusal saying %q", err, tt.want)
			}
		})
	}
	if n, _ := e.store.Count(ctx, Filter{CAID: ca.ID, Kind: KindClient}); n != 1 {
		t.Errorf("%d person certificates stored, want only the one inside the constraints", n)
	}
	// Signed outside the engine's check: the judge and OpenSSL refuse it.
	auth, err := e.store.Authority(ctx, ca)
	if err != nil {
		t.Fatal(err)
	}
	rogue, err := auth.IssuePerson(pki.PersonRequest{Name: pki.Name{CommonName: "Rogue"}, Emails: []string{"rogue@evil.com"}}, e.Now())
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := e.store.Certificate(ctx, ca.CertID)
	trust, _ := e.Trust(ctx, root)
	if r := verdict.JudgeCertificates([]*x509.Certificate{rogue.Cert, caCert}, trust, e.Now()); r.Verdict != verdict.NameNotPermitted || !strings.Contains(r.Explanation, "name constraints") {
		t.Errorf("our judge on a name outside the constraints: %s (%s)", r.Verdict, r.Explanation)
	}
	dir := t.TempDir()
	h := &hierarchy{e: e}
	rootFile := h.write(t, dir, root.CertID, export.PEM, "root.pem")
	caFile := h.write(t, dir, ca.CertID, export.PEM, "ca.pem")
	rogueFile := filepath.Join(dir, "rogue.pem")
	os.WriteFile(rogueFile, pki.EncodeCertPEM(rogue.Cert), 0o644)
	out, err := peertest.Try(t, "openssl", "verify", "-purpose", "sslclient", "-CAfile", rootFile, "-untrusted", caFile, rogueFile)
	if err == nil || !strings.Contains(out, "subtree violation") {
		t.Errorf("openssl on a name outside the constraints: %v\n%s", err, out)
	}
}

// TestTryHierarchy: a test server of the root lets in the people of both
// issuing CAs; once the root revokes one, its people are refused on their
// next connection while the sibling's stay in. A test server of one
// issuing CA refuses the sibling's people.
func TestTryHierarchy(t *testing.T) {
	h := newHierarchy(t)
	try := func(server *TestServer, rec Record) Access {
		t.Helper()
		out, err := h.e.Try(ctx, TryRequest{Mode: TryAs, CertID: rec.ID, Addr: server.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		return out.Access
	}
	strictServer := func(ca CA) *TestServer {
		t.Helper()
		server, err := h.e.StartTestServer(ctx, ServerOptions{CA: ca, Addr: "127.0.0.1:0", Mode: mtls.Strict})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Close() })
		return server
	}
	rootServer := strictServer(h.root)
	if a, s := try(rootServer, h.alice), try(rootServer, h.sam); a != LetIn || s != LetIn {
		t.Fatalf("the root's server: Alice %d, Sam %d; want both let in", a, s)
	}
	issuingServer := strictServer(h.issuing)
	if a, s := try(issuingServer, h.alice), try(issuingServer, h.sam); a != LetIn || s != Refused {
		t.Fatalf("the issuing CA's server: Alice %d, Sam %d; want Alice in, Sam refused", a, s)
	}
	if _, err := h.e.Revoke(ctx, h.issuing.CertID, 1); err != nil {
		t.Fatal(err)
	}
	for name, server := range map[string]*TestServer{"the root's": rootServer, "the issuing CA's own": issuingServer} {
		deadline := time.Now().Add(10 * time.Second)
		for try(server, h.alice) != Refused {
			if time.Now().After(deadline) {
				t.Fatalf("%s server still lets in a person of the revoked issuing CA after 10 s", name)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if try(rootServer, h.sam) != LetIn {
		t.Error("the sibling's person was refused after the other issuing CA was revoked")
	}
}
