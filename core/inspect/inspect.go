// Package inspect explains any certificate-related file: PEM with one or
// many blocks, DER, PKCS#12, CSRs, CRLs and private keys.
package inspect

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// Item is one thing found in a file. Exactly one of its pointers is set.
type Item struct {
	Certificate *certinfo.Info
	CSR         *CSRInfo
	CRL         *CRLInfo
	Key         *KeyInfo
}

// MarshalJSON writes the item as its one description.
func (it Item) MarshalJSON() ([]byte, error) {
	switch {
	case it.Certificate != nil:
		return json.Marshal(it.Certificate)
	case it.CSR != nil:
		return json.Marshal(it.CSR)
	case it.CRL != nil:
		return json.Marshal(it.CRL)
	case it.Key != nil:
		return json.Marshal(it.Key)
	}
	return []byte("null"), nil
}

// CSRInfo describes a certificate signing request.
type CSRInfo struct {
	Kind             string   `json:"kind"`
	CommonName       string   `json:"common_name"`
	Subject          string   `json:"subject"`
	KeyType          string   `json:"key_type"`
	Emails           []string `json:"emails"`
	DNSNames         []string `json:"dns_names"`
	IPAddresses      []string `json:"ip_addresses"`
	SignatureValid   bool     `json:"signature_valid"`
	SignatureProblem string   `json:"signature_problem,omitempty"`
}

// CRLInfo describes a certificate revocation list.
type CRLInfo struct {
	Kind             string     `json:"kind"`
	Issuer           string     `json:"issuer"`
	IssuerCommonName string     `json:"issuer_common_name"`
	Number           string     `json:"crl_number"`
	ThisUpdate       time.Time  `json:"this_update"`
	NextUpdate       time.Time  `json:"next_update"`
	Expired          bool       `json:"expired"`
	Revoked          []CRLEntry `json:"revoked"`
	AuthorityKeyID   string     `json:"authority_key_id,omitempty"`
	SignatureAlgo    string     `json:"signature_algorithm"`
}

// CRLEntry is one revoked serial in a CRL.
type CRLEntry struct {
	Serial string    `json:"serial"`
	Time   time.Time `json:"revoked_at"`
	Reason int       `json:"reason_code"`
}

// KeyInfo describes a private key (never its secret parts).
type KeyInfo struct {
	Kind               string `json:"kind"`
	KeyType            string `json:"key_type"`
	Encrypted          bool   `json:"encrypted"`
	PublicKeySHA256    string `json:"public_key_sha256,omitempty"`
	MatchesCertificate string `json:"matches_certificate,omitempty"`
}

// Options tune an inspection.
type Options struct {
	// Password opens PKCS#12 files and encrypted keys.
	Password []byte
	// Now is the time statuses are computed at (default time.Now()).
	Now time.Time
}

// Inspect explains data. It returns ErrPasswordNeeded (from pki) when the
// file is encrypted and no password was given, so a caller can ask and retry.
func Inspect(data []byte, opts Options) ([]Item, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if len(data) == 0 {
		return nil, errors.New("the file is empty")
	}
	if len(data) > pki.MaxInputSize {
		return nil, fmt.Errorf("the file is %d bytes; certificate files are far smaller (at most %d bytes are read)", len(data), pki.MaxInputSize)
	}
	var items []Item
	var err error
	if pki.IsPEM(data) {
		items, err = inspectPEM(data, opts)
	} else {
		items, err = inspectDER(data, opts)
	}
	if err != nil {
		return nil, err
	}
	markKeyMatches(items)
	return items, nil
}

func inspectPEM(data []byte, opts Options) ([]Item, error) {
	blocks, err := pki.PEMBlocks(data)
	if err != nil {
		return nil, err
	}
	var items []Item
	for i, b := range blocks {
		item, err := inspectBlock(b, opts)
		if err != nil {
			if errors.Is(err, pki.ErrPasswordNeeded) || errors.Is(err, pki.ErrWrongPassword) {
				return nil, err
			}
			return nil, fmt.Errorf("PEM block %d (%s): %w", i+1, certinfo.Clean(b.Type), err)
		}
		items = append(items, item)
	}
	return items, nil
}

func inspectBlock(b *pem.Block, opts Options) (Item, error) {
	switch b.Type {
	case "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE":
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return Item{}, fmt.Errorf("malformed certificate: %w", err)
		}
		return certItem(cert, opts.Now), nil
	case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
		csr, err := x509.ParseCertificateRequest(b.Bytes)
		if err != nil {
			return Item{}, fmt.Errorf("malformed CSR: %w", err)
		}
		return csrItem(csr), nil
	case "X509 CRL":
		crl, err := x509.ParseRevocationList(b.Bytes)
		if err != nil {
			return Item{}, fmt.Errorf("malformed CRL: %w", err)
		}
		return crlItem(crl, opts.Now), nil
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return Item{}, fmt.Errorf("malformed public key: %w", err)
		}
		return Item{Key: &KeyInfo{Kind: "public_key", KeyType: pki.DescribePublicKey(pub), PublicKeySHA256: publicKeyHash(pub)}}, nil
	}
	if strings.Contains(b.Type, "PRIVATE KEY") {
		//lint:ignore SA1019 detecting legacy encrypted PEM keys to say so
		encrypted := b.Type == "ENCRYPTED PRIVATE KEY" || x509.IsEncryptedPEMBlock(b)
		key, err := pki.ParsePrivateKey(pem.EncodeToMemory(b), opts.Password)
		if err != nil {
			return Item{}, err
		}
		return keyItem(key, encrypted), nil
	}
	return Item{}, fmt.Errorf("unknown PEM block type %q: Certdesk reads certificates, CSRs, CRLs, public and private keys", certinfo.Clean(b.Type))
}

func inspectDER(data []byte, opts Options) ([]Item, error) {
	if cert, err := x509.ParseCertificate(data); err == nil {
		return []Item{certItem(cert, opts.Now)}, nil
	}
	if csr, err := x509.ParseCertificateRequest(data); err == nil {
		return []Item{csrItem(csr)}, nil
	}
	if crl, err := x509.ParseRevocationList(data); err == nil {
		return []Item{crlItem(crl, opts.Now)}, nil
	}
	if key, err := pki.ParsePrivateKey(data, opts.Password); err == nil {
		return []Item{keyItem(key, len(opts.Password) > 0)}, nil
	} else if errors.Is(err, pki.ErrPasswordNeeded) || errors.Is(err, pki.ErrWrongPassword) {
		return nil, err
	}
	if pki.LooksLikePKCS12(data) {
		return inspectPKCS12(data, opts)
	}
	return nil, errors.New("not a certificate, CSR, CRL, private key or PKCS#12 file (neither PEM text nor DER Certdesk can read)")
}

func inspectPKCS12(data []byte, opts Options) ([]Item, error) {
	p, err := pki.DecodePKCS12(data, opts.Password)
	if err != nil {
		return nil, err
	}
	items := []Item{certItem(p.Cert, opts.Now)}
	if p.Key != nil {
		items = append(items, keyItem(p.Key, true))
	}
	for _, c := range p.Chain {
		items = append(items, certItem(c, opts.Now))
	}
	return items, nil
}

func certItem(cert *x509.Certificate, now time.Time) Item {
	info := certinfo.Describe(cert, now)
	return Item{Certificate: &info}
}

func csrItem(csr *x509.CertificateRequest) Item {
	info := &CSRInfo{
		Kind: "csr", CommonName: certinfo.Clean(csr.Subject.CommonName),
		Subject: certinfo.DistinguishedName(csr.Subject), KeyType: pki.DescribePublicKey(csr.PublicKey),
		Emails: cleanAll(csr.EmailAddresses), DNSNames: cleanAll(csr.DNSNames), IPAddresses: []string{},
	}
	for _, ip := range csr.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	if err := csr.CheckSignature(); err != nil {
		info.SignatureProblem = err.Error()
	} else {
		info.SignatureValid = true
	}
	return Item{CSR: info}
}

func crlItem(crl *x509.RevocationList, now time.Time) Item {
	info := &CRLInfo{
		Kind: "crl", Issuer: certinfo.DistinguishedName(crl.Issuer), IssuerCommonName: certinfo.Clean(crl.Issuer.CommonName),
		ThisUpdate: crl.ThisUpdate.UTC(), NextUpdate: crl.NextUpdate.UTC(),
		Expired: !crl.NextUpdate.IsZero() && now.After(crl.NextUpdate),
		Revoked: []CRLEntry{}, SignatureAlgo: crl.SignatureAlgorithm.String(),
	}
	if crl.Number != nil {
		info.Number = crl.Number.String()
	}
	if len(crl.AuthorityKeyId) > 0 {
		info.AuthorityKeyID = pki.ColonHex(crl.AuthorityKeyId)
	}
	for _, e := range crl.RevokedCertificateEntries {
		info.Revoked = append(info.Revoked, CRLEntry{Serial: pki.SerialHex(e.SerialNumber), Time: e.RevocationTime.UTC(), Reason: e.ReasonCode})
	}
	return Item{CRL: info}
}

func keyItem(key crypto.Signer, encrypted bool) Item {
	return Item{Key: &KeyInfo{Kind: "private_key", KeyType: pki.DescribePublicKey(key.Public()), Encrypted: encrypted, PublicKeySHA256: publicKeyHash(key.Public())}}
}

func publicKeyHash(pub any) string { return pki.PublicKeySHA256(pub) }

// markKeyMatches notes, for each key, which certificate in the same file
// holds its public half.
func markKeyMatches(items []Item) {
	for _, k := range items {
		if k.Key == nil || k.Key.Kind != "private_key" {
			continue
		}
		for _, c := range items {
			if c.Certificate == nil {
				continue
			}
			if c.Certificate.PublicKeySHA256 == k.Key.PublicKeySHA256 {
				k.Key.MatchesCertificate = c.Certificate.CommonName
			}
		}
	}
}

func cleanAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, certinfo.Clean(s))
	}
	return out
}
