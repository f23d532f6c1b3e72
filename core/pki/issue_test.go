package pki

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newTestCA(t testing.TB, kt KeyType) Authority {
	t.Helper()
	ca, err := NewCA(CARequest{Name: Name{CommonName: "Test CA", Organization: "Acme"}, KeyType: kt}, testNow)
	if err != nil {
		t.Fatalf("NewCA: %v", err)
	}
	return Authority{Cert: ca.Cert, Key: ca.Key}
}

func TestParseKeyType(t *testing.T) {
	tests := []struct {
		in   string
		want KeyType
		ok   bool
	}{
		{"", ECDSAP256, true}, {"p256", ECDSAP256, true}, {"P-256", ECDSAP256, true},
		{"ecdsa-p384", ECDSAP384, true}, {"RSA", RSA2048, true}, {"rsa-4096", RSA4096, true},
		{"Ed25519", Ed25519, true}, {"dsa", "", false}, {"rsa-1024", "", false},
	}
	for _, tt := range tests {
		got, err := ParseKeyType(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseKeyType(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCAProfile(t *testing.T) {
	for _, kt := range KeyTypes {
		if kt == RSA4096 || kt == RSA3072 {
			continue // slow to generate; RSA is covered by RSA2048
		}
		t.Run(string(kt), func(t *testing.T) {
			ca := newTestCA(t, kt).Cert
			if !ca.IsCA || !ca.BasicConstraintsValid || ca.MaxPathLen != 0 || !ca.MaxPathLenZero {
				t.Errorf("CA basic constraints: IsCA=%v valid=%v pathlen=%d zero=%v", ca.IsCA, ca.BasicConstraintsValid, ca.MaxPathLen, ca.MaxPathLenZero)
			}
			if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
				t.Errorf("CA key usage = %v", ca.KeyUsage)
			}
			if len(ca.SubjectKeyId) != 20 {
				t.Errorf("CA SKI = %x", ca.SubjectKeyId)
			}
			if !basicConstraintsCritical(ca) {
				t.Error("basic constraints not critical")
			}
			if got := ca.NotAfter.Sub(testNow); got != DefaultCADays*24*time.Hour {
				t.Errorf("CA lifetime = %v", got)
			}
			if err := ca.CheckSignatureFrom(ca); err != nil {
				t.Errorf("CA is not self-signed: %v", err)
			}
		})
	}
}

func basicConstraintsCritical(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 19}) {
			return e.Critical
		}
	}
	return false
}

func TestPersonProfile(t *testing.T) {
	tests := []struct {
		kt     KeyType
		wantKU x509.KeyUsage
	}{
		{ECDSAP256, x509.KeyUsageDigitalSignature},
		{ECDSAP384, x509.KeyUsageDigitalSignature},
		{RSA2048, x509.KeyUsageDigitalSignature}, // clientAuth pairs with signing only (RFC 5280 4.2.1.12)
		{Ed25519, x509.KeyUsageDigitalSignature},
	}
	ca := newTestCA(t, ECDSAP256)
	for _, tt := range tests {
		t.Run(string(tt.kt), func(t *testing.T) {
			got, err := ca.IssuePerson(PersonRequest{
				Name: Name{CommonName: "Alice Example", Organization: "Acme", OrganizationalUnit: "Ops"}, Emails: []string{"alice@example.com"}, KeyType: tt.kt,
			}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			c := got.Cert
			if c.IsCA || !c.BasicConstraintsValid {
				t.Error("a person certificate must carry CA:FALSE")
			}
			if c.KeyUsage != tt.wantKU {
				t.Errorf("key usage = %v, want %v", c.KeyUsage, tt.wantKU)
			}
			if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
				t.Errorf("EKU = %v, want clientAuth only", c.ExtKeyUsage)
			}
			if c.Subject.CommonName != "Alice Example" || c.Subject.Organization[0] != "Acme" || c.Subject.OrganizationalUnit[0] != "Ops" {
				t.Errorf("subject = %v", c.Subject)
			}
			if !slices.Equal(c.EmailAddresses, []string{"alice@example.com"}) {
				t.Errorf("e-mail SANs = %v", c.EmailAddresses)
			}
			if len(c.SubjectKeyId) == 0 || !bytes.Equal(c.AuthorityKeyId, ca.Cert.SubjectKeyId) {
				t.Errorf("SKI %x / AKI %x (CA SKI %x)", c.SubjectKeyId, c.AuthorityKeyId, ca.Cert.SubjectKeyId)
			}
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() < 100 || c.SerialNumber.BitLen() > 128 {
				t.Errorf("serial %x: want a positive 128-bit random number", c.SerialNumber)
			}
			if !c.NotBefore.Equal(testNow.Add(-ClockSkew)) {
				t.Errorf("NotBefore = %v, want now - 5 minutes", c.NotBefore)
			}
			if c.NotAfter.Sub(testNow) != DefaultLeafDays*24*time.Hour {
				t.Errorf("NotAfter = %v", c.NotAfter)
			}
			if err := c.CheckSignatureFrom(ca.Cert); err != nil {
				t.Errorf("not signed by the CA: %v", err)
			}
			if err := KeyMatchesCertificate(got.Key, c); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestServerProfile(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	got, err := ca.IssueServer(ServerRequest{DNSNames: []string{"LocalHost", "api.example.com"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Cert
	if c.Subject.CommonName != "localhost" {
		t.Errorf("CN = %q, want the first DNS name", c.Subject.CommonName)
	}
	if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("EKU = %v", c.ExtKeyUsage)
	}
	if err := c.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := c.VerifyHostname("::1"); err != nil {
		t.Error(err)
	}
	if err := c.VerifyHostname("api.example.com"); err != nil {
		t.Error(err)
	}
	if c.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("ECDSA server key usage %v", c.KeyUsage)
	}
	rsaServer, err := ca.IssueServer(ServerRequest{DNSNames: []string{"rsa.example.com"}, KeyType: RSA2048}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if rsaServer.Cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
		t.Errorf("RSA server key usage %v, want digitalSignature and keyEncipherment", rsaServer.Cert.KeyUsage)
	}
}

func TestSerialsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s, err := NewSerial()
		if err != nil {
			t.Fatal(err)
		}
		if seen[s.String()] {
			t.Fatalf("serial %x drawn twice", s)
		}
		seen[s.String()] = true
	}
}

func TestBadRequests(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	tests := []struct {
		name    string
		req     PersonRequest
		wantErr string
	}{
		{"empty name", PersonRequest{}, "common name is empty"},
		{"long name", PersonRequest{Name: Name{CommonName: strings.Repeat("a", 65)}}, "at most 64"},
		{"control char", PersonRequest{Name: Name{CommonName: "Bob\x07"}}, "control character"},
		{"bidi override", PersonRequest{Name: Name{CommonName: "Bob\u202Egnp.exe"}}, "control character"},
		{"invalid utf8", PersonRequest{Name: Name{CommonName: "Bob\xff"}}, "not valid UTF-8"},
		{"padded", PersonRequest{Name: Name{CommonName: " Bob"}}, "starts or ends with a space"},
		{"bad email", PersonRequest{Name: Name{CommonName: "Bob"}, Emails: []string{"not-an-email"}}, "not an e-mail address"},
		{"named email", PersonRequest{Name: Name{CommonName: "Bob"}, Emails: []string{"Bob <bob@example.com>"}}, "not an e-mail address"},
		{"too many days", PersonRequest{Name: Name{CommonName: "Bob"}, Validity: Validity{Days: MaxDays + 1}}, "out of range"},
		{"negative days", PersonRequest{Name: Name{CommonName: "Bob"}, Validity: Validity{Days: -1}}, "out of range"},
		{"outlives CA", PersonRequest{Name: Name{CommonName: "Bob"}, Validity: Validity{Days: 5000}}, "outlive its CA"},
		{"bad key type", PersonRequest{Name: Name{CommonName: "Bob"}, KeyType: "dsa"}, "unknown key type"},
		{"ends before start", PersonRequest{Name: Name{CommonName: "Bob"}, Validity: Validity{NotBefore: testNow, NotAfter: testNow.Add(-time.Hour)}}, "before it starts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ca.IssuePerson(tt.req, testNow)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := ca.IssueServer(ServerRequest{DNSNames: []string{"bad_name.example"}}, testNow); err == nil {
		t.Error("a DNS name with an underscore was accepted")
	}
	if _, err := ca.IssueServer(ServerRequest{}, testNow); err == nil {
		t.Error("a server certificate with no name was accepted")
	}
}

func TestCannotIssueWithoutCAPowers(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	leaf, err := ca.IssuePerson(PersonRequest{Name: Name{CommonName: "Leaf"}}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKey(ECDSAP256)
	tests := []struct {
		name string
		auth Authority
		want string
	}{
		{"leaf as CA", Authority{Cert: leaf.Cert, Key: leaf.Key}, "not a CA"},
		{"wrong key", Authority{Cert: ca.Cert, Key: other}, "does not belong"},
		{"no key", Authority{Cert: ca.Cert}, "no private key"},
	}
	for _, tt := range tests {
		_, err := tt.auth.IssuePerson(PersonRequest{Name: Name{CommonName: "X"}}, testNow)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSignCSRAppliesOurProfile(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// The request asks for CA:TRUE and certSign: it must still get a leaf.
	bc, _ := asn1.Marshal(struct {
		IsCA bool `asn1:"optional"`
	}{true})
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:         pkix.Name{CommonName: "Mallory", Organization: []string{"Evil"}},
		EmailAddresses:  []string{"mallory@example.com"},
		DNSNames:        []string{"evil.example"},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: true, Value: bc}},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, _ := x509.ParseCertificateRequest(der)
	got, err := ca.SignCSR(csr, ClientProfile, Validity{Days: 30}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Cert
	if c.IsCA {
		t.Error("a CSR asking for CA:TRUE got a CA certificate")
	}
	if len(c.DNSNames) != 0 {
		t.Errorf("client profile copied DNS names %v", c.DNSNames)
	}
	if c.Subject.CommonName != "Mallory" || !slices.Equal(c.EmailAddresses, []string{"mallory@example.com"}) {
		t.Errorf("subject %v emails %v", c.Subject, c.EmailAddresses)
	}
	if got.Key != nil {
		t.Error("a signed CSR must not come with a key")
	}
	if c.NotAfter.Sub(testNow) != 30*24*time.Hour {
		t.Errorf("lifetime %v", c.NotAfter.Sub(testNow))
	}

	server, err := ca.SignCSR(csr, ServerProfile, Validity{}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(server.Cert.DNSNames, []string{"evil.example"}) || len(server.Cert.EmailAddresses) != 0 {
		t.Errorf("server profile SANs: dns %v emails %v", server.Cert.DNSNames, server.Cert.EmailAddresses)
	}

	// A tampered CSR fails its signature check.
	bad := bytes.Clone(der)
	i := bytes.Index(bad, []byte("Mallory"))
	bad[i] = 'H'
	tampered, err := x509.ParseCertificateRequest(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.SignCSR(tampered, ClientProfile, Validity{}, testNow); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("tampered CSR: err = %v", err)
	}
}

func TestDescribePublicKey(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	r, _ := rsa.GenerateKey(rand.Reader, 1024)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		key  any
		want string
	}{{&ec.PublicKey, "ECDSA P-384"}, {&r.PublicKey, "RSA 1024"}, {pub, "Ed25519"}, {"x", "unknown"}}
	for _, tt := range tests {
		if got := DescribePublicKey(tt.key); got != tt.want {
			t.Errorf("DescribePublicKey(%T) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
