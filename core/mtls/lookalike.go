package mtls

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"

	"certdesk/core/pki"
)

// LookalikeCertificate makes a client certificate from a throwaway CA that
// copies the real CA's name but has its own key: what an attacker who knows
// the CA's name could make. A correct server refuses it as unknown_ca.
func LookalikeCertificate(real *x509.Certificate, now time.Time) (*tls.Certificate, error) {
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		return nil, err
	}
	ski, err := pki.SubjectKeyID(key.Public())
	if err != nil {
		return nil, err
	}
	serial, err := pki.NewSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, RawSubject: real.RawSubject, SubjectKeyId: ski,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("making the look-alike CA: %w", err)
	}
	fake, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	person, err := pki.Authority{Cert: fake, Key: key}.IssuePerson(pki.PersonRequest{
		Name: pki.Name{CommonName: "Look-alike Person"}, Validity: pki.Validity{Days: 1},
	}, now)
	if err != nil {
		return nil, fmt.Errorf("making the look-alike certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{person.Cert.Raw}, PrivateKey: person.Key, Leaf: person.Cert}, nil
}
