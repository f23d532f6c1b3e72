// Package verdicttest builds the verdict matrix that the tests of the judge,
// the nginx parity check and the test server share: a trusted root and
// intermediates, a look-alike CA, and one presented certificate per case.
package verdicttest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strconv"
	"testing"
	"time"

	"certdesk/core/pki"
	"certdesk/core/verdict"
)

// Case is one presented certificate and the reasons a judge must give.
type Case struct {
	Name  string
	Chain [][]byte            // what the client presents, leaf first (DER)
	Certs []*x509.Certificate // parsed Chain; nil for unparseable input
	Key   crypto.Signer       // the leaf's key; nil when there is no usable leaf
	Want  []verdict.Code      // every reason, primary first
}

// Matrix is the whole fixture.
type Matrix struct {
	Root          pki.Authority // trusted
	Intermediate  pki.Authority // signed by Root, clientAuth allowed
	ServerOnlyCA  pki.Authority // signed by Root, EKU serverAuth only
	YoungCA       pki.Authority // signed by Root, made an hour ago
	Lookalike     pki.Authority // same subject as Root, another key; not trusted
	Outsider      pki.Authority // another name, not trusted
	Trust         *verdict.Trust
	CRLs          map[string][]byte // CRL DER for each trusted CA, by name
	Cases         []Case
	RevokedSerial *x509.Certificate
}

// Named is the case of that name. It panics when there is none: a test
// asking for a case the matrix does not have is wrong as written.
func (m *Matrix) Named(name string) Case {
	for _, c := range m.Cases {
		if c.Name == name {
			return c
		}
	}
	panic("verdicttest: the matrix has no case " + strconv.Quote(name))
}

// MustBuild is Build for a test, which it fails when the matrix cannot be
// made.
func MustBuild(t testing.TB, now time.Time) *Matrix {
	t.Helper()
	m, err := Build(now)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Build makes the matrix with times relative to now.
func Build(now time.Time) (*Matrix, error) {
	b := &builder{now: now}
	m := &Matrix{}
	m.Root = b.ca("Matrix Root CA", nil, 1, nil)
	m.Intermediate = b.ca("Matrix Intermediate CA", &m.Root, 0, nil)
	m.ServerOnlyCA = b.ca("Matrix Server-only CA", &m.Root, 0, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth})
	m.YoungCA = b.ca("Matrix Young CA", &m.Root, 0, nil)
	m.YoungCA = b.reissue(m.YoungCA, &m.Root, now.Add(-time.Hour))
	m.Lookalike = b.ca("Matrix Root CA", nil, 1, nil)
	m.Outsider = b.ca("Outsider CA", nil, 0, nil)
	if b.err != nil {
		return nil, b.err
	}
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	ds := x509.KeyUsageDigitalSignature
	year := 365 * 24 * time.Hour
	valid := window{now.Add(-time.Hour), now.Add(year)}

	add := func(name string, want []verdict.Code, chain ...*x509.Certificate) {
		c := Case{Name: name, Want: want, Certs: chain}
		for _, x := range chain {
			c.Chain = append(c.Chain, x.Raw)
		}
		if len(chain) > 0 {
			c.Key = b.keys[chain[0]]
		}
		m.Cases = append(m.Cases, c)
	}
	add("valid", codes(verdict.OK), b.leaf("Valid Person", m.Root, valid, client, ds))
	m.Cases = append(m.Cases, Case{Name: "none", Want: codes(verdict.NoCertificate)})
	m.Cases = append(m.Cases, Case{Name: "garbage", Chain: [][]byte{[]byte("\x30\x03garbage, not DER")}, Want: codes(verdict.Malformed)})
	add("unknown CA", codes(verdict.UnknownCA), b.leaf("Outsider Person", m.Outsider, valid, client, ds))
	add("look-alike CA", codes(verdict.UnknownCA), b.leaf("Lookalike Person", m.Lookalike, valid, client, ds))
	add("expired", codes(verdict.Expired), b.leaf("Expired Person", m.Root, window{now.Add(-2 * year), now.Add(-year)}, client, ds))
	add("not yet valid", codes(verdict.NotYetValid), b.leaf("Future Person", m.Root, window{now.Add(year), now.Add(2 * year)}, client, ds))
	add("expired and unknown CA", codes(verdict.UnknownCA, verdict.Expired), b.leaf("Expired Outsider", m.Outsider, window{now.Add(-2 * year), now.Add(-year)}, client, ds))
	revoked := b.leaf("Revoked Person", m.Root, valid, client, ds)
	m.RevokedSerial = revoked
	add("revoked by serial", codes(verdict.Revoked), revoked)
	denied := b.leaf("Denied Person", m.Root, valid, client, ds)
	add("revoked by fingerprint", codes(verdict.Revoked), denied)
	add("EKU serverAuth only", codes(verdict.WrongUsage), b.leaf("Server-usage Person", m.Root, valid, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, ds))
	add("KeyUsage dataEncipherment only", codes(verdict.WrongUsage), b.leaf("Encipher-only Person", m.Root, valid, client, x509.KeyUsageDataEncipherment))
	add("no EKU", codes(verdict.OK), b.leaf("Any-usage Person", m.Root, valid, nil, ds))
	add("intermediate CA in chain", codes(verdict.OK), b.leaf("Intermediate Person", m.Intermediate, valid, client, ds), m.Intermediate.Cert)
	add("CA whose EKU excludes clientAuth", codes(verdict.WrongUsage), b.leaf("Server-CA Person", m.ServerOnlyCA, valid, client, ds), m.ServerOnlyCA.Cert)
	add("expired before its CA was made", codes(verdict.Expired), b.leaf("Old Young Person", m.YoungCA, window{now.Add(-2 * year), now.Add(-year)}, client, ds), m.YoungCA.Cert)
	add("revoked and expired", codes(verdict.Expired, verdict.Revoked), b.leaf("Revoked Expired", m.Root, window{now.Add(-2 * year), now.Add(-year)}, client, ds))
	if b.err != nil {
		return nil, b.err
	}
	revokedExpired := m.Cases[len(m.Cases)-1].Certs[0]

	m.Trust = verdict.NewTrust([]*x509.Certificate{m.Root.Cert})
	when := now.Add(-time.Minute).Truncate(time.Second)
	m.Trust.RevokeSerial(m.Root.Cert, pki.SerialHex(revoked.SerialNumber), verdict.Revocation{Reason: "keyCompromise", Time: when})
	m.Trust.RevokeSerial(m.Root.Cert, pki.SerialHex(revokedExpired.SerialNumber), verdict.Revocation{Reason: "superseded", Time: when})
	if err := m.Trust.RevokeFingerprint(pki.FingerprintSHA256(denied.Raw), verdict.Revocation{Reason: "keyCompromise", Time: when}); err != nil {
		return nil, err
	}

	m.CRLs = map[string][]byte{}
	crl := func(name string, a pki.Authority, entries ...pki.Revoked) {
		der, err := a.SignCRL(pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour), Entries: entries})
		if err != nil && b.err == nil {
			b.err = fmt.Errorf("CRL of %s: %w", name, err)
		}
		m.CRLs[name] = der
	}
	crl("root", m.Root, pki.Revoked{Serial: revoked.SerialNumber, Time: when, Reason: 1}, pki.Revoked{Serial: revokedExpired.SerialNumber, Time: when, Reason: 4})
	crl("intermediate", m.Intermediate)
	crl("server-only", m.ServerOnlyCA)
	crl("young", m.YoungCA)
	return m, b.err
}

func codes(c ...verdict.Code) []verdict.Code { return c }

type window struct{ from, to time.Time }

type builder struct {
	now  time.Time
	keys map[*x509.Certificate]crypto.Signer
	err  error
}

func (b *builder) key() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil && b.err == nil {
		b.err = err
	}
	return k
}

func (b *builder) ca(cn string, parent *pki.Authority, pathLen int, eku []x509.ExtKeyUsage) pki.Authority {
	key := b.key()
	if b.err != nil {
		return pki.Authority{}
	}
	ski, _ := pki.SubjectKeyID(key.Public())
	tmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn, Organization: []string{"Certdesk Tests"}},
		NotBefore: b.now.Add(-5 * 365 * 24 * time.Hour), NotAfter: b.now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: pathLen, MaxPathLenZero: pathLen == 0,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, ExtKeyUsage: eku, SubjectKeyId: ski,
	}
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.Cert, parent.Key
	}
	return pki.Authority{Cert: b.sign(tmpl, signerCert, key, signerKey), Key: key}
}

// reissue signs the CA's certificate again with a later NotBefore.
func (b *builder) reissue(ca pki.Authority, parent *pki.Authority, from time.Time) pki.Authority {
	if b.err != nil {
		return ca
	}
	tmpl := *ca.Cert
	tmpl.NotBefore = from
	return pki.Authority{Cert: b.sign(&tmpl, parent.Cert, ca.Key.(*ecdsa.PrivateKey), parent.Key), Key: ca.Key}
}

func (b *builder) leaf(cn string, ca pki.Authority, w window, eku []x509.ExtKeyUsage, ku x509.KeyUsage) *x509.Certificate {
	key := b.key()
	if b.err != nil {
		return nil
	}
	ski, _ := pki.SubjectKeyID(key.Public())
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, NotBefore: w.from, NotAfter: w.to,
		BasicConstraintsValid: true, KeyUsage: ku, ExtKeyUsage: eku, SubjectKeyId: ski,
		EmailAddresses: []string{"person@example.com"},
	}
	cert := b.sign(tmpl, ca.Cert, key, ca.Key)
	if b.keys == nil {
		b.keys = map[*x509.Certificate]crypto.Signer{}
	}
	b.keys[cert] = key
	return cert
}

func (b *builder) sign(tmpl, parent *x509.Certificate, key *ecdsa.PrivateKey, signer crypto.Signer) *x509.Certificate {
	serial, err := pki.NewSerial()
	if err != nil {
		b.err = err
		return nil
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		if b.err == nil {
			b.err = fmt.Errorf("signing %s: %w", tmpl.Subject.CommonName, err)
		}
		return nil
	}
	c, _ := x509.ParseCertificate(der)
	return c
}
