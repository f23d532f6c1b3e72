package deploy

import (
	"crypto/x509"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certdesk/core/peer/peertest"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

// hierarchyFixture is a root with two issuing CAs under it (Issuing, whose
// kit is written, and Sibling), a server certificate from Issuing, and
// people: Vera of Issuing, Rick of Issuing (revoked), Sam of Sibling.
type hierarchyFixture struct {
	fixture
	root, issuing, sibling pki.Authority
	now                    time.Time
}

func newHierarchyFixture(t *testing.T) *hierarchyFixture {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	root := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Deploy Root"}, PathLen: 1}, now)
	intermediate := func(name string) pki.Authority {
		i, err := root.IssueIntermediate(pki.CARequest{Name: pki.Name{CommonName: name, Organization: "Acme"}}, now)
		if err != nil {
			t.Fatal(err)
		}
		return pki.Authority{Cert: i.Cert, Key: i.Key}
	}
	issuing, sibling := intermediate("Issuing CA"), intermediate("Sibling CA")
	server, err := issuing.IssueServer(pki.ServerRequest{DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, now)
	if err != nil {
		t.Fatal(err)
	}
	h := &hierarchyFixture{fixture: fixture{people: map[string][2]string{}}, root: root, issuing: issuing, sibling: sibling, now: now}
	// The people's files carry the issuing CA too.
	h.vera = h.issue(t, dir, "Valid Vera", issuing, now, true).Cert
	rick := h.issue(t, dir, "Revoked Rick", issuing, now, true)
	h.issue(t, dir, "Sibling Sam", sibling, now, true)
	h.kit = Kit{CAName: "Issuing", CA: issuing.Cert, CRL: h.crl(t, issuing, rick.Cert), ServerCert: server.Cert,
		Chain: []*x509.Certificate{issuing.Cert, root.Cert}, ServerKey: server.Key, ServerName: "localhost",
		Issuers: []*x509.Certificate{root.Cert}, IssuerCRLs: [][]byte{h.crl(t, root)}}
	return h
}

// crl signs a CRL of ca listing the certificates given.
func (h *hierarchyFixture) crl(t *testing.T, ca pki.Authority, revoked ...*x509.Certificate) []byte {
	var entries []pki.Revoked
	for _, c := range revoked {
		entries = append(entries, pki.Revoked{Serial: c.SerialNumber, Time: h.now, Reason: 1})
	}
	der, err := ca.SignCRL(pki.CRLRequest{Number: big.NewInt(time.Now().UnixNano()), ThisUpdate: h.now.Add(-time.Minute), NextUpdate: h.now.Add(24 * time.Hour), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestHierarchyRealServers writes a kit for one issuing CA and starts each
// server from it: a person of that CA is let in; a revoked person and a
// person of the sibling CA under the same root are refused; once the root
// revokes the issuing CA (a new CRL of the root), its people are refused
// too. Caddy reads no CRL and Gunicorn (Debian's 20) neither restricts the
// issuer nor reads the CRL: their files say so, and the test holds them to it.
func TestHierarchyRealServers(t *testing.T) {
	peertest.Require(t, "curl")
	h := newHierarchyFixture(t)
	// sibling is the answer to a person of the sibling CA when every CA's
	// CRL is published: 403 from the kit's issuer check, 0 when the
	// handshake itself refuses (Go and Caddy trust the issuing CA alone).
	type want struct {
		sibling        int
		revokedRefused bool
	}
	expect := map[Target]want{Nginx: {403, true}, Apache: {403, true}, HAProxy: {403, true}, Python: {403, true},
		Go: {0, true}, Caddy: {0, false}, Gunicorn: {200, false}}
	for _, target := range []Target{Nginx, Apache, HAProxy, Python, Go, Caddy, Gunicorn} {
		t.Run(string(target), func(t *testing.T) {
			w := expect[target]
			for _, caRevoked := range []bool{false, true} {
				kit := h.kit
				if caRevoked {
					kit.IssuerCRLs = [][]byte{h.crl(t, h.root, h.issuing.Cert)}
				}
				listen := peertest.FreeAddr(t)
				kit.Listen, kit.Backend = listen, backend(t)
				dir := filepath.Join(t.TempDir(), "kit")
				if _, err := WriteKit(dir, kit, []Target{target}, false); err != nil {
					t.Fatal(err)
				}
				conf := filepath.Join(dir, target.FileName())
				text, _ := os.ReadFile(conf)
				if !caRevoked {
					// An admin who publishes every CA's CRL in one file: the
					// sibling's people then pass the CRL check, and only the
					// kit's issuer check keeps them out.
					crls := append(peertest.ReadFile(t, filepath.Join(dir, CRLFileName)), pki.EncodeCRLPEM(h.crl(t, h.sibling))...)
					if err := os.WriteFile(filepath.Join(dir, CRLFileName), crls, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				startTarget(t, target, conf, listen)
				status, body := h.connect(t, dir, listen, "Valid Vera")
				if caRevoked {
					if w.revokedRefused && status == 200 {
						t.Errorf("the issuing CA is revoked by its root, yet its person was let in:\n%s", body)
					}
					continue
				}
				if status != 200 || !strings.Contains(body, "Valid Vera") {
					t.Fatalf("a person of the issuing CA: status %d\n%s\n%s", status, body, text)
				}
				status, body = h.connect(t, dir, listen, "Sibling Sam")
				switch {
				case status != w.sibling:
					t.Errorf("a person of the sibling CA: status %d, want %d:\n%s", status, w.sibling, body)
				case status == 200 && !strings.Contains(string(text), "cannot restrict clients to one issuing CA"):
					t.Errorf("%s lets the sibling CA's people in and its file does not say so", target)
				}
				status, body = h.connect(t, dir, listen, "Revoked Rick")
				if w.revokedRefused && status == 200 {
					t.Errorf("a revoked person was let in:\n%s", body)
				}
			}
		})
	}
}

// startTarget starts one server from its generated configuration, as
// TestRealServers does.
func startTarget(t *testing.T, target Target, conf, addr string) {
	t.Helper()
	switch target {
	case Nginx:
		startNginx(t, conf, addr)
	default:
		realServerHarness(t, target, conf, addr)
	}
}

// TestHierarchyKitRefusals: an issuing CA whose root is not known keeps
// today's refusal; a kit missing a level's CRL is refused.
func TestHierarchyKitRefusals(t *testing.T) {
	h := newHierarchyFixture(t)
	kit := h.kit
	kit.Issuers, kit.IssuerCRLs = nil, nil
	if _, err := WriteKit(t.TempDir(), kit, []Target{Nginx}, false); err == nil || !strings.Contains(err.Error(), "intermediate CA") {
		t.Errorf("intermediate without its root: %v", err)
	}
	kit = h.kit
	kit.IssuerCRLs = nil
	if _, err := WriteKit(t.TempDir(), kit, []Target{Nginx}, false); err == nil || !strings.Contains(err.Error(), "CRL") {
		t.Errorf("missing CRL: %v", err)
	}
	dir := t.TempDir()
	if _, err := WriteKit(dir, h.kit, []Target{Nginx}, false); err != nil {
		t.Fatal(err)
	}
	text := string(peertest.ReadFile(t, filepath.Join(dir, Nginx.FileName())))
	for _, line := range []string{"ssl_verify_depth 2;", `if ($ssl_client_i_dn != "CN=Issuing CA,O=Acme")`} {
		if !strings.Contains(text, line) {
			t.Errorf("nginx kit lacks %q:\n%s", line, text)
		}
	}
	crls, _ := pki.PEMBlocks(peertest.ReadFile(t, filepath.Join(dir, CRLFileName)))
	if len(crls) != 2 {
		t.Errorf("crl.pem holds %d CRLs, want one per level (2)", len(crls))
	}
}
