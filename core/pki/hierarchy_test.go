package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// newRoot is a root that may have n CA levels below it.
func newRoot(t *testing.T, pathLen int) Authority {
	t.Helper()
	r, err := NewCA(CARequest{Name: Name{CommonName: "Test Root", Organization: "Acme"}, PathLen: pathLen}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return Authority{Cert: r.Cert, Key: r.Key}
}

// TestZlintHierarchy lints the intermediate profile (made here, with name
// constraints, and signed from a CSR), the root it needs, and the leaves
// issuing CAs make for services: URI SANs (SPIFFE), client+server, a
// device's client certificate with DNS and IP names, the fuller subject.
func TestZlintHierarchy(t *testing.T) {
	registry := zlintRegistry(t)
	now := time.Now()
	root := newRoot(t, 1)
	req := CARequest{Name: Name{CommonName: "Issuing CA", Organization: "Acme"}, Subject: Subject{Country: "DE", State: "Bayern", Locality: "München"}}
	for _, c := range []string{"dns:example.com", "email:example.com", "ip:10.0.0.0/8", "uri:example.org"} {
		if err := req.Constraints.Add(true, c); err != nil {
			t.Fatal(err)
		}
	}
	req.Constraints.Add(false, "dns:secret.example.com")
	inter, err := root.IssueIntermediate(req, now)
	if err != nil {
		t.Fatal(err)
	}
	csrDER, _, err := CARequestCSR(CARequest{Name: Name{CommonName: "From CSR"}})
	if err != nil {
		t.Fatal(err)
	}
	csr, _ := x509.ParseCertificateRequest(csrDER)
	fromCSR, err := root.SignIntermediateCSR(csr, CARequest{}, now)
	if err != nil {
		t.Fatal(err)
	}
	ca := Authority{Cert: inter.Cert, Key: inter.Key}
	leaf := func(r PersonRequest) *x509.Certificate {
		t.Helper()
		p, err := ca.IssuePerson(r, now)
		if err != nil {
			t.Fatal(err)
		}
		return p.Cert
	}
	server, err := ca.IssueServer(ServerRequest{DNSNames: []string{"api.example.com"}, URIs: []string{"spiffe://example.org/ns/prod/sa/api"}, Usage: ClientServerUsage}, now)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*x509.Certificate{
		"root":                 root.Cert,
		"intermediate":         inter.Cert,
		"intermediate-csr":     fromCSR.Cert,
		"spiffe-client":        leaf(PersonRequest{Name: Name{CommonName: "billing"}, URIs: []string{"spiffe://example.org/ns/prod/sa/billing"}}),
		"uri-client-server":    leaf(PersonRequest{Name: Name{CommonName: "svc"}, URIs: []string{"https://svc.example.org/id"}, Usage: ClientServerUsage}),
		"device":               leaf(PersonRequest{Name: Name{CommonName: "sensor-17"}, DNSNames: []string{"sensor-17.example.com"}, IPAddresses: []net.IP{net.ParseIP("10.1.2.3")}, Subject: Subject{SerialNumber: "SN-17"}}),
		"person-full-subject":  leaf(PersonRequest{Name: Name{CommonName: "Alice", Organization: "Acme", OrganizationalUnit: "Ops"}, Emails: []string{"alice@example.com"}, Subject: Subject{Country: "DE", State: "Bayern", Locality: "München"}}),
		"server-spiffe-hybrid": server.Cert,
	} {
		t.Run(name, func(t *testing.T) { lintClean(t, registry, c) })
	}
}

// TestIntermediateProfile: path lengths and constraints are ours; a CSR
// that asks for more gets what we set.
func TestIntermediateProfile(t *testing.T) {
	now := time.Now()
	if _, err := newRoot(t, 0).IssueIntermediate(CARequest{Name: Name{CommonName: "X"}}, now); err == nil || !strings.Contains(err.Error(), "path length 0") {
		t.Errorf("a path-length-0 root signed a CA: %v", err)
	}
	root := newRoot(t, 1)
	if _, err := root.IssueIntermediate(CARequest{Name: Name{CommonName: "X"}, PathLen: 1}, now); err == nil || !strings.Contains(err.Error(), "at most 0") {
		t.Errorf("a child as deep as its parent: %v", err)
	}
	// A CSR asking for CA:TRUE with no path limit and a code-signing EKU.
	key, _ := GenerateKey(ECDSAP256)
	bc, _ := basicConstraintsExt(&x509.Certificate{MaxPathLen: -1})
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Greedy", Country: []string{"FR"}},
		DNSNames: []string{"evil.test"}, ExtraExtensions: []pkix.Extension{bc}}, key)
	csr, _ := x509.ParseCertificateRequest(der)
	var c Constraints
	c.Add(true, "dns:example.com")
	got, err := root.SignIntermediateCSR(csr, CARequest{Constraints: c}, now)
	if err != nil {
		t.Fatal(err)
	}
	cert := got.Cert
	if !cert.IsCA || cert.MaxPathLen != 0 || !cert.MaxPathLenZero || len(cert.DNSNames) != 0 || len(cert.ExtKeyUsage) != 0 {
		t.Errorf("signed CA: CA %v pathlen %d zero %v DNS %v EKU %v", cert.IsCA, cert.MaxPathLen, cert.MaxPathLenZero, cert.DNSNames, cert.ExtKeyUsage)
	}
	if cert.Subject.Country[0] != "FR" || cert.PermittedDNSDomains[0] != "example.com" || !cert.PermittedDNSDomainsCritical {
		t.Errorf("subject %v, constraints %v", cert.Subject, cert.PermittedDNSDomains)
	}
	if cert.NotAfter.After(root.Cert.NotAfter) {
		t.Error("the intermediate outlives its root")
	}
	if err := cert.CheckSignatureFrom(root.Cert); err != nil {
		t.Error(err)
	}
}

func TestSPIFFEIDs(t *testing.T) {
	good := []string{"spiffe://example.org/ns/prod/sa/api", "spiffe://example.org", "spiffe://a-b_c.d/x.y-z_1"}
	bad := map[string]string{
		"spiffe://Example.org/x":         "trust domain",
		"spiffe://example.org/":          "trailing slash",
		"spiffe://example.org//x":        "empty segment",
		"spiffe://example.org/a/../b":    `".."`,
		"spiffe://example.org/x?y=1":     "path segment",
		"spiffe://example.org:8080/x":    "trust domain",
		"spiffe://user@example.org/x":    "trust domain",
		"SPIFFE://example.org/x":         "scheme",
		"spiffe:example.org/x":           "scheme",
		"spiffe:///x":                    "trust domain is missing",
		"spiffe://example.org/x#f":       "path segment",
		"spiffe://example.org/caf\u00e9": "path segment",
	}
	for _, s := range good {
		if _, err := ParseURIs([]string{s}); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for s, want := range bad {
		if _, err := ParseURIs([]string{s}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", s, err, want)
		}
	}
	if _, err := ParseURIs([]string{"spiffe://example.org/a", "https://example.org/"}); err == nil || !strings.Contains(err.Error(), "exactly one URI") {
		t.Errorf("two URIs with a SPIFFE ID: %v", err)
	}
	if _, err := ParseURIs([]string{"not a uri"}); err == nil {
		t.Error("a URI without a scheme was accepted")
	}
}

func TestConstraintsParseAndCheck(t *testing.T) {
	var c Constraints
	for _, bad := range []string{"dns", "dns:", "dns:*.example.com", "ip:10.0.0.1", "email:@", "fqdn:example.com", "uri:https://example.com"} {
		if err := c.Add(true, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"dns:example.com", "email:.example.com", "ip:10.0.0.0/8", "uri:example.org", "email:boss@corp.test"} {
		if err := c.Add(true, good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	c.Add(false, "dns:.internal.example.com")
	ca := &x509.Certificate{Subject: pkix.Name{CommonName: "CA"}}
	c.apply(ca)
	ip := net.ParseIP
	uri := func(s string) Names { u, _ := ParseURIs([]string{s}); return Names{URIs: u} }
	tests := []struct {
		names Names
		ok    bool
	}{
		{Names{DNS: []string{"example.com", "a.example.com"}}, true},
		{Names{DNS: []string{"badexample.com"}}, false},
		{Names{DNS: []string{"x.internal.example.com"}}, false},
		{Names{Emails: []string{"a@sub.example.com", "boss@corp.test"}}, true},
		{Names{Emails: []string{"a@example.com"}}, false}, // ".example.com" is subdomains only
		{Names{IPs: []net.IP{ip("10.9.9.9")}}, true},
		{Names{IPs: []net.IP{ip("11.0.0.1")}}, false},
		{uri("spiffe://example.org/x"), true},
		{uri("spiffe://example.net/x"), false},
	}
	for i, tt := range tests {
		err := CheckConstraints([]*x509.Certificate{ca}, tt.names)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrNameConstraint)) {
			t.Errorf("case %d %+v: %v", i, tt.names, err)
		}
	}
	if got := strings.Join(ConstraintsOf(ca).Strings(), "; "); !strings.Contains(got, "permit ip:10.0.0.0/8") || !strings.Contains(got, "exclude dns:.internal.example.com") {
		t.Errorf("Strings: %s", got)
	}
}

func TestSubjectAndUsage(t *testing.T) {
	root := newRoot(t, 0)
	now := time.Now()
	p, err := root.IssuePerson(PersonRequest{Name: Name{CommonName: "Alice"}, Subject: Subject{Country: "DE", State: "Berlin", Locality: "Berlin", SerialNumber: "E-42"}, Usage: ClientServerUsage}, now)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Cert.Subject
	if s.Country[0] != "DE" || s.Province[0] != "Berlin" || s.Locality[0] != "Berlin" || s.SerialNumber != "E-42" || p.Cert.IsCA {
		t.Errorf("subject %v, CA %v", s, p.Cert.IsCA)
	}
	if len(p.Cert.ExtKeyUsage) != 2 {
		t.Errorf("EKU %v, want client and server", p.Cert.ExtKeyUsage)
	}
	for _, bad := range []Subject{{Country: "de"}, {Country: "DEU"}, {State: "a\nb"}} {
		if _, err := root.IssuePerson(PersonRequest{Name: Name{CommonName: "X"}, Subject: bad}, now); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := ParseUsage("codesigning"); err == nil {
		t.Error("a usage outside the sets was accepted")
	}
}

// TestCheckSignedCA: the certificate installed for a pending CA must hold
// its key and be signed by the issuers given.
func TestCheckSignedCA(t *testing.T) {
	root := newRoot(t, 1)
	csrDER, key, err := CARequestCSR(CARequest{Name: Name{CommonName: "Pending"}})
	if err != nil {
		t.Fatal(err)
	}
	csr, _ := x509.ParseCertificateRequest(csrDER)
	signed, err := root.SignIntermediateCSR(csr, CARequest{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSignedCA(signed.Cert, key, []*x509.Certificate{root.Cert}); err != nil {
		t.Errorf("the right certificate: %v", err)
	}
	other, _ := GenerateKey(ECDSAP256)
	if err := CheckSignedCA(signed.Cert, other, []*x509.Certificate{root.Cert}); err == nil {
		t.Error("a certificate for another key was accepted")
	}
	if err := CheckSignedCA(signed.Cert, key, []*x509.Certificate{newRoot(t, 1).Cert}); err == nil {
		t.Error("a chain that does not sign the certificate was accepted")
	}
	leaf, _ := root.IssuePersonWithKey(PersonRequest{Name: Name{CommonName: "Pending"}}, key.Public(), key, time.Now())
	if err := CheckSignedCA(leaf.Cert, key, []*x509.Certificate{root.Cert}); err == nil {
		t.Error("a leaf was accepted as a CA")
	}
}

func TestProfileApply(t *testing.T) {
	p := Profile{Name: "devices", KeyType: ECDSAP384, Days: 90, Org: "Acme", Subject: Subject{Country: "DE"}, SANKinds: []string{SANDNS, SANIP}, Usage: ClientServerUsage}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := p.ApplyPerson(PersonRequest{Name: Name{CommonName: "sensor", Organization: "Own"}, DNSNames: []string{"s.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.KeyType != ECDSAP384 || r.Validity.Days != 90 || r.Name.Organization != "Own" || r.Subject.Country != "DE" || r.Usage != ClientServerUsage {
		t.Errorf("applied: %+v", r)
	}
	if _, err := p.ApplyPerson(PersonRequest{Name: Name{CommonName: "x"}, Emails: []string{"x@example.com"}}); err == nil {
		t.Error("an e-mail SAN passed a profile that allows only dns and ip")
	}
	if _, err := (Profile{Name: "web", Usage: ServerUsage}).ApplyPerson(PersonRequest{Name: Name{CommonName: "x"}}); err == nil {
		t.Error("a server-only profile made a person certificate")
	}
	for _, bad := range []Profile{{}, {Name: "x", KeyType: "dsa"}, {Name: "x", Days: -1}, {Name: "x", SANKinds: []string{"upn"}}, {Name: "x", Usage: "ca"}, {Name: "x", Subject: Subject{Country: "Germany"}}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v validated", bad)
		}
	}
}
