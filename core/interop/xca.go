package interop

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sort"
	"strings"

	"certdesk/core/pki"
)

// ReadPEMBundle reads a PEM file holding a whole PKI, as XCA exports it
// (select the CA, its certificates, their keys and CRLs; export as PEM):
// CERTIFICATE blocks, private keys in any form OpenSSL or XCA writes
// (PKCS#8, traditional RSA/EC, encrypted or not) and X509 CRL blocks, in
// any order, with any text between them. Every CA whose key is in the
// bundle becomes one PKI with the certificates it signed; revocations come
// from the CRLs it signed. Blocks it cannot use are reported as warnings.
func ReadPEMBundle(data []byte, password []byte) ([]PKI, []string, error) {
	if !pki.IsPEM(data) {
		return nil, nil, errors.New("not a PEM file: export from XCA as PEM (the text format with -----BEGIN lines)")
	}
	blocks, err := pki.PEMBlocks(data)
	if err != nil {
		return nil, nil, err
	}
	var certs []*x509.Certificate
	var keyBlocks []*pem.Block
	var crlDERs [][]byte
	var warnings []string
	for i, b := range blocks {
		switch {
		case b.Type == "CERTIFICATE" || b.Type == "TRUSTED CERTIFICATE" || b.Type == "X509 CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("PEM block %d is a malformed certificate (%v): skipped", i+1, err))
				continue
			}
			certs = append(certs, c)
		case strings.Contains(b.Type, "PRIVATE KEY"):
			keyBlocks = append(keyBlocks, b)
		case b.Type == "X509 CRL":
			crlDERs = append(crlDERs, b.Bytes)
		default:
			warnings = append(warnings, fmt.Sprintf("PEM block %d (%s) is not used", i+1, b.Type))
		}
	}
	keys := map[string]crypto.Signer{}
	problems := make([]error, len(keyBlocks))
	parsed := make([]crypto.Signer, len(keyBlocks))
	parallel(len(keyBlocks), func(i int) {
		parsed[i], problems[i] = pki.ParsePrivateKey(pem.EncodeToMemory(keyBlocks[i]), password)
	})
	wrongPassword := false
	for i, k := range parsed {
		if k == nil {
			wrongPassword = wrongPassword || errors.Is(problems[i], pki.ErrWrongPassword)
			warnings = append(warnings, fmt.Sprintf("a %s block was not read (%v)", keyBlocks[i].Type, problems[i]))
			continue
		}
		keys[pki.PublicKeySHA256(k.Public())] = k
	}

	var out []PKI
	for _, ca := range certs {
		key := keys[pki.CertificateKeySHA256(ca)]
		if !ca.IsCA || key == nil {
			continue
		}
		p := PKI{CA: ca, CAKey: key}
		for _, c := range certs {
			if c != ca && !c.Equal(ca) && c.CheckSignatureFrom(ca) == nil && ca.CheckSignatureFrom(c) != nil {
				if c.IsCA {
					continue // a sub-CA: a PKI of its own when its key is here
				}
				p.Certs = append(p.Certs, Entry{Cert: c, Key: keys[pki.CertificateKeySHA256(c)]})
			}
		}
		for _, c := range certs {
			if !c.Equal(ca) && ca.CheckSignatureFrom(c) == nil && !selfSigned(ca) {
				p.Chain = append(p.Chain, c)
			}
		}
		applyCRLs(&p, crlDERs)
		sort.SliceStable(p.Certs, func(i, j int) bool { return p.Certs[i].Cert.NotBefore.Before(p.Certs[j].Cert.NotBefore) })
		out = append(out, p)
	}
	if len(out) == 0 {
		switch {
		case len(keyBlocks) > 0 && len(keys) == 0 && len(password) == 0:
			return nil, warnings, pki.ErrPasswordNeeded
		case wrongPassword:
			return nil, warnings, fmt.Errorf("%w: the CA's key did not open", pki.ErrWrongPassword)
		}
		return nil, warnings, errors.New("the bundle holds no CA certificate with its private key: in XCA export the CA together with its key (PEM with private keys)")
	}
	return out, warnings, nil
}

func selfSigned(c *x509.Certificate) bool {
	return string(c.RawIssuer) == string(c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

// applyCRLs marks as revoked the entries listed in the CRLs the CA signed;
// the newest such CRL is kept with its number.
func applyCRLs(p *PKI, ders [][]byte) {
	bySerial := map[string]*Entry{}
	for i := range p.Certs {
		bySerial[p.Certs[i].Cert.SerialNumber.String()] = &p.Certs[i]
	}
	for _, der := range ders {
		crl, err := parseCRL(der, p.CA)
		if err != nil {
			continue // another CA's CRL
		}
		if crl.Number != nil && crl.Number.IsInt64() && crl.Number.Int64() >= p.CRLNumber {
			p.CRLNumber, p.CRL = crl.Number.Int64(), crl.Raw
		}
		for _, e := range crl.RevokedCertificateEntries {
			if entry, ok := bySerial[e.SerialNumber.String()]; ok && !entry.Revoked() {
				entry.RevokedAt, entry.Reason = e.RevocationTime, e.ReasonCode
			}
		}
	}
}
