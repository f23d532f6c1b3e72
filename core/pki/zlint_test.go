package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"sort"
	"testing"
	"time"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

// acceptedNotices are zlint notices that stay, with why.
var acceptedNotices = map[string]string{}

// TestZlint lints every profile we issue with the RFC 5280, RFC 5480,
// RFC 3279 and Community sources (not the public-trust CA/B Forum, browser
// or ETSI ones: these are private-CA certificates): no error, no warning.
func TestZlint(t *testing.T) {
	registry, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC3279, lint.Community},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, kt := range []KeyType{ECDSAP256, ECDSAP384, RSA2048, Ed25519} {
		caIssued, err := NewCA(CARequest{Name: Name{CommonName: "Lint CA", Organization: "Acme"}, KeyType: kt}, now)
		if err != nil {
			t.Fatal(err)
		}
		ca := Authority{Cert: caIssued.Cert, Key: caIssued.Key}
		person, err := ca.IssuePerson(PersonRequest{Name: Name{CommonName: "Alice Example", Organization: "Acme", OrganizationalUnit: "Ops"}, Emails: []string{"alice@example.com"}, KeyType: kt}, now)
		if err != nil {
			t.Fatal(err)
		}
		server, err := ca.IssueServer(ServerRequest{DNSNames: []string{"www.example.com"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, KeyType: kt}, now)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := GenerateKey(kt)
		der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Bob"}, EmailAddresses: []string{"bob@example.com"}}, key)
		csr, _ := x509.ParseCertificateRequest(der)
		signed, err := ca.SignCSR(csr, ClientProfile, Validity{}, now)
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]*x509.Certificate{"ca": ca.Cert, "person": person.Cert, "server": server.Cert, "signed-csr": signed.Cert} {
			t.Run(string(kt)+"/"+name, func(t *testing.T) { lintClean(t, registry, c) })
		}
	}
}

// zlintRegistry is the registry TestZlint lints with.
func zlintRegistry(t *testing.T) lint.Registry {
	registry, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC3279, lint.Community},
	})
	if err != nil {
		t.Fatal(err)
	}
	return registry
}

// lintClean fails the test for every zlint error or warning, and every
// notice not accepted, on c.
func lintClean(t *testing.T, registry lint.Registry, c *x509.Certificate) {
	t.Helper()
	zc, err := zx509.ParseCertificate(c.Raw)
	if err != nil {
		t.Fatal(err)
	}
	results := zlint.LintCertificateEx(zc, registry)
	var problems []string
	for lintName, r := range results.Results {
		switch {
		case r.Status >= lint.Warn:
			problems = append(problems, lintName+": "+r.Status.String()+" "+r.Details)
		case r.Status == lint.Notice:
			if _, ok := acceptedNotices[lintName]; !ok {
				problems = append(problems, lintName+": notice "+r.Details)
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
