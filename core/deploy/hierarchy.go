package deploy

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strconv"
	"strings"

	"certdesk/core/pki"
)

// Kit files of a hierarchy: beside ca.pem (the root, the trust anchor) and
// crl.pem (one CRL for every CA from the issuing CA up to the root).
const (
	ChainFileName     = "ca-chain.pem" // the issuing CA, the CAs above it and the root
	IssuingCAFileName = "issuing-ca.pem"
)

// checkHierarchy accepts an issuing CA when its issuers (nearest first)
// lead by signature to a self-signed root and each issuer has its CRL.
func checkHierarchy(k Kit) error {
	if len(k.Issuers) == 0 {
		return CheckCA(k.CA)
	}
	chain := append([]*x509.Certificate{k.CA}, k.Issuers...)
	for i := 0; i+1 < len(chain); i++ {
		if err := chain[i].CheckSignatureFrom(chain[i+1]); err != nil {
			return fmt.Errorf("the CA %q is not signed by %q, the next certificate of its chain: %w", chain[i].Subject.CommonName, chain[i+1].Subject.CommonName, err)
		}
	}
	if root := chain[len(chain)-1]; !pki.IsSelfSigned(root) {
		return CheckCA(k.CA)
	}
	if len(k.IssuerCRLs) != len(k.Issuers) {
		return fmt.Errorf("a kit for an issuing CA needs a CRL from every CA above it (%d), not %d", len(k.Issuers), len(k.IssuerCRLs))
	}
	return nil
}

// hierarchyFiles fills what the configurations of an issuing CA's kit say:
// the depth, and the issuing CA's name as each server compares it.
func hierarchyFiles(f *Files, k Kit) error {
	if len(k.Issuers) == 0 {
		f.Depth = 2
		return nil
	}
	f.Hierarchy = true
	f.Depth = len(k.Issuers) + 1
	dn := k.CA.Subject.String()
	if strings.ContainsAny(dn, "\"'\\$;{}%\n\r") {
		return fmt.Errorf("the issuing CA's name %q holds characters the servers' configuration languages would read differently: rename the CA, or write the issuer check by hand", dn)
	}
	f.IssuerDN = dn
	py, err := pythonName(k.CA.Subject)
	if err != nil {
		return err
	}
	f.IssuerPython = py
	return nil
}

// pythonNames are the attribute names Python's getpeercert() uses.
var pythonNames = map[string]string{
	"2.5.4.3": "commonName", "2.5.4.10": "organizationName", "2.5.4.11": "organizationalUnitName",
	"2.5.4.6": "countryName", "2.5.4.8": "stateOrProvinceName", "2.5.4.7": "localityName",
	"2.5.4.5": "serialNumber", "1.2.840.113549.1.9.1": "emailAddress",
}

// pythonName writes a name as getpeercert() returns it: a tuple of RDNs,
// each a tuple of (name, value) pairs, in the certificate's order.
func pythonName(n pkix.Name) (string, error) {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(mustRDN(n), &seq); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("(")
	for _, rdn := range seq {
		b.WriteString("(")
		for _, atv := range rdn {
			name, ok := pythonNames[atv.Type.String()]
			if !ok {
				return "", fmt.Errorf("the issuing CA's name has an attribute (%s) the Python kit cannot name: check the issuer by hand", atv.Type)
			}
			fmt.Fprintf(&b, "(%s, %s),", strconv.Quote(name), strconv.Quote(fmt.Sprint(atv.Value)))
		}
		b.WriteString("),")
	}
	b.WriteString(")")
	return b.String(), nil
}

func mustRDN(n pkix.Name) []byte {
	der, _ := asn1.Marshal(n.ToRDNSequence())
	return der
}

// hierarchyPEM is what the kit's CA files hold: the root alone in ca.pem
// (or the CA, for a root kit), the whole path in ca-chain.pem, the issuing
// CA in issuing-ca.pem, and every level's CRL in crl.pem.
func hierarchyPEM(k Kit) (root, chain, issuing, crls []byte) {
	issuing = pki.EncodeCertPEM(k.CA)
	crls = pki.EncodeCRLPEM(k.CRL)
	if len(k.Issuers) == 0 {
		return issuing, issuing, issuing, crls
	}
	chain = bytes.Clone(issuing)
	for _, c := range k.Issuers {
		chain = append(chain, pki.EncodeCertPEM(c)...)
	}
	for _, c := range k.IssuerCRLs {
		crls = append(crls, pki.EncodeCRLPEM(c)...)
	}
	return pki.EncodeCertPEM(k.Issuers[len(k.Issuers)-1]), chain, issuing, crls
}
