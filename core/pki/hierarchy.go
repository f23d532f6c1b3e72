package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// MaxPathLen bounds the path length a user may ask for.
const MaxPathLen = 8

// caTemplate is the CA profile for a request: validated subject, validity,
// critical CA:TRUE with the path length, certSign and cRLSign, and the
// name constraints. Nothing in it comes from a CSR.
func caTemplate(req CARequest, now time.Time) (*x509.Certificate, error) {
	subject, err := subjectOf(req.Name, req.Subject)
	if err != nil {
		return nil, err
	}
	if req.PathLen < 0 || req.PathLen > MaxPathLen {
		return nil, fmt.Errorf("a path length of %d is out of range: give 0 (the CA signs only people and servers) to %d", req.PathLen, MaxPathLen)
	}
	notBefore, notAfter, err := req.Validity.bounds(now, DefaultCADays)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            req.PathLen,
		MaxPathLenZero:        req.PathLen == 0,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if req.NoPathLimit {
		tmpl.MaxPathLen, tmpl.MaxPathLenZero = -1, false
	}
	req.Constraints.apply(tmpl)
	return tmpl, nil
}

// IssueIntermediate makes a key and an issuing CA signed by this CA. The
// new CA's path length must leave room under this CA's own.
func (a Authority) IssueIntermediate(req CARequest, now time.Time) (*Issued, error) {
	tmpl, err := a.intermediateTemplate(req, now)
	if err != nil {
		return nil, err
	}
	key, err := GenerateKey(req.KeyType)
	if err != nil {
		return nil, err
	}
	return a.sign(tmpl, key.Public(), key)
}

// SignIntermediateCSR signs a CSR as an issuing CA: the request gives only
// its public key and subject (CN, O, OU, C, ST, L, serialNumber); the path
// length, key usage and name constraints are ours (req's), never copied
// from the request, whatever extensions it asks for.
func (a Authority) SignIntermediateCSR(csr *x509.CertificateRequest, req CARequest, now time.Time) (*Issued, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the CSR's signature does not verify (the file was altered or is not a CSR made with its own key): %w", err)
	}
	if DescribePublicKey(csr.PublicKey) == "unknown" {
		return nil, errors.New("the CSR's key type is not supported: use ECDSA P-256/P-384, RSA 2048 to 4096 bits or Ed25519")
	}
	req.Name, req.Subject = NameOf(csr.Subject), SubjectOf(csr.Subject)
	tmpl, err := a.intermediateTemplate(req, now)
	if err != nil {
		return nil, fmt.Errorf("the CSR: %w", err)
	}
	return a.sign(tmpl, csr.PublicKey, nil)
}

func (a Authority) intermediateTemplate(req CARequest, now time.Time) (*x509.Certificate, error) {
	if err := a.CheckCanIssue(); err != nil {
		return nil, err
	}
	p := a.Cert
	if p.MaxPathLen == 0 && p.MaxPathLenZero {
		return nil, fmt.Errorf("the CA %q has path length 0: it may sign people and servers but no CA under it; make the parent with a larger path length (certctl ca create NAME --path-len 1)", p.Subject.CommonName)
	}
	if p.MaxPathLen > 0 {
		if req.NoPathLimit {
			req.NoPathLimit, req.PathLen = false, p.MaxPathLen-1
		}
		if req.PathLen >= p.MaxPathLen {
			return nil, fmt.Errorf("the CA %q allows %d CA level(s) below it, so a CA it signs may have a path length of at most %d, not %d", p.Subject.CommonName, p.MaxPathLen, p.MaxPathLen-1, req.PathLen)
		}
	}
	if req.Validity.Days == 0 && req.Validity.NotAfter.IsZero() {
		// An issuing CA defaults to the parent's remaining life, at most the CA default.
		if end := now.AddDate(0, 0, DefaultCADays); end.After(p.NotAfter) {
			req.Validity.NotAfter = p.NotAfter
		}
	}
	return caTemplate(req, now)
}

// CARequestCSR makes a key and a CSR for a CA whose root Certdesk does not
// hold: the subject, and requested extensions (CA:TRUE with the path
// length, certSign and cRLSign) for a signer that copies them; the signer
// decides in the end.
func CARequestCSR(req CARequest) ([]byte, crypto.Signer, error) {
	tmpl, err := caTemplate(req, time.Now())
	if err != nil {
		return nil, nil, err
	}
	key, err := GenerateKey(req.KeyType)
	if err != nil {
		return nil, nil, err
	}
	bc, err := basicConstraintsExt(tmpl)
	if err != nil {
		return nil, nil, err
	}
	ku, err := asn1.Marshal(asn1.BitString{Bytes: []byte{0x06}, BitLength: 7}) // keyCertSign(5), cRLSign(6)
	if err != nil {
		return nil, nil, err
	}
	csr := &x509.CertificateRequest{Subject: tmpl.Subject, ExtraExtensions: []pkix.Extension{
		bc, {Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: ku},
	}}
	der, err := x509.CreateCertificateRequest(rand.Reader, csr, key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the CSR: %w", err)
	}
	return der, key, nil
}

func basicConstraintsExt(t *x509.Certificate) (pkix.Extension, error) {
	type bc struct {
		IsCA       bool `asn1:"optional"`
		MaxPathLen int  `asn1:"optional,default:-1"`
	}
	v := bc{IsCA: true, MaxPathLen: -1}
	if t.MaxPathLen >= 0 {
		v.MaxPathLen = t.MaxPathLen
	}
	der, err := asn1.Marshal(v)
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Critical: true, Value: der}, nil
}

// CheckSignedCA checks a CA certificate signed elsewhere for a key made
// here: it must hold that key's public half, be a CA that may sign, and
// be signed by the first of its issuers, each issuer by the next.
func CheckSignedCA(cert *x509.Certificate, key crypto.Signer, issuers []*x509.Certificate) error {
	if err := KeyMatchesCertificate(key, cert); err != nil {
		return fmt.Errorf("this certificate is not for the pending CA's key (it was signed for another request): %w", err)
	}
	if err := (Authority{Cert: cert, Key: key}).CheckCanIssue(); err != nil {
		return err
	}
	chain := append([]*x509.Certificate{cert}, issuers...)
	for i := 0; i+1 < len(chain); i++ {
		if err := chain[i].CheckSignatureFrom(chain[i+1]); err != nil {
			return fmt.Errorf("certificate %d of the file (%q) is not signed by the next one (%q): give the signed certificate first, then its issuers in order: %w",
				i+1, chain[i].Subject.CommonName, chain[i+1].Subject.CommonName, err)
		}
	}
	if len(issuers) == 0 && !IsSelfSigned(cert) {
		return fmt.Errorf("the file holds only the CA's certificate: add its issuers up to the root after it, so servers and exports carry the whole chain")
	}
	return nil
}

// IsSelfSigned reports whether the certificate names itself as issuer and
// carries its own signature (a root).
func IsSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

// EncodeCSRPEM encodes a CSR as PEM.
func EncodeCSRPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}
