package inspect

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"certdesk/core/export"
	"certdesk/core/pki"
	"certdesk/core/pki/pkitest"
)

// sample is one input of a kind the inspector reads, with what Inspect
// must find in it: kinds in order, each with a marker.
type sample struct {
	name     string
	data     []byte
	password string
	want     []string
}

// samples are an input of each kind, made from one CA ("Inspect CA") and
// one person ("Alice"), and the serial of Alice's certificate, which the
// CRL revokes.
func samples(t testing.TB, now time.Time) (list []sample, revokedSerial string) {
	t.Helper()
	ca := pkitest.CA(t, pki.CARequest{Name: pki.Name{CommonName: "Inspect CA"}}, now)
	leaf := pkitest.Person(t, ca, pki.PersonRequest{Name: pki.Name{CommonName: "Alice"}, Emails: []string{"alice@example.com"}}, now)
	m := export.Material{Cert: leaf.Cert, Key: leaf.Key, Chain: []*x509.Certificate{ca.Cert}}
	encode := func(f export.Format, password string) []byte {
		data, err := export.Encode(m, f, export.Options{Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Req"}, DNSNames: []string{"a.example"}}, leaf.Key)
	if err != nil {
		t.Fatal(err)
	}
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(7), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: leaf.Cert.SerialNumber, RevocationTime: now, ReasonCode: 1}},
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return []sample{
		{"PEM chain", encode(export.Chain, ""), "", []string{"certificate:Alice", "certificate:Inspect CA"}},
		{"DER certificate", leaf.Cert.Raw, "", []string{"certificate:Alice"}},
		{"bundle", encode(export.Bundle, ""), "", []string{"certificate:Alice", "private_key:Alice"}},
		{"encrypted key", encode(export.Key, "pw"), "pw", []string{"private_key:"}},
		{"PKCS#12", encode(export.P12, "pw"), "pw", []string{"certificate:Alice", "private_key:Alice", "certificate:Inspect CA"}},
		{"CSR PEM", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}), "", []string{"csr:Req"}},
		{"CSR DER", csrDER, "", []string{"csr:Req"}},
		{"CRL PEM", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlDER}), "", []string{"crl:7"}},
		{"CRL DER", crlDER, "", []string{"crl:7"}},
	}, pki.SerialHex(leaf.Cert.SerialNumber)
}
