package verdict

import (
	"bytes"
	"certdesk/core/pki"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
)

// ErrNoCertificate is returned when a file holds no certificate at all.
var ErrNoCertificate = errors.New("no certificate found (expected PEM \"CERTIFICATE\" blocks or DER)")

// ParseChain reads a presented chain, leaf first, from PEM (every
// CERTIFICATE block, in order) or from DER (one certificate). The bytes
// of each certificate are returned as they are, unparsed, so that a
// damaged certificate gets the malformed verdict from Judge, the same for
// PEM and DER.
func ParseChain(data []byte) ([][]byte, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, ErrNoCertificate
		}
		return [][]byte{data}, nil
	}
	out := blocksOf(data, "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE")
	if len(out) == 0 {
		return nil, ErrNoCertificate
	}
	return out, nil
}

// LoadTrust builds a Trust as nginx builds one from its files: the CAs of
// ssl_client_certificate (PEM or DER), the CRLs of ssl_crl (PEM or DER,
// may be empty: then no CRL is checked) and ssl_verify_depth.
func LoadTrust(caData, crlData []byte, depth int) (*Trust, error) {
	ders, err := ParseChain(caData)
	if err != nil {
		return nil, fmt.Errorf("trusted CAs: %w", err)
	}
	cas := make([]*x509.Certificate, 0, len(ders))
	for i, d := range ders {
		x, err := parseCached(d) // as OpenSSL reads it: Go's own parser refuses more
		if err != nil {
			return nil, fmt.Errorf("trusted CAs: certificate %d cannot be read (%w); give CA certificates as PEM or DER", i+1, err)
		}
		cas = append(cas, x.go509)
	}
	t := NewTrust(cas).WithDepth(depth)
	for i, d := range crlBlocks(crlData) {
		if err := t.AddCRL(d); err != nil {
			return nil, fmt.Errorf("CRL %d: %w", i+1, err)
		}
	}
	return t, nil
}

func crlBlocks(data []byte) [][]byte {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		return [][]byte{data}
	}
	return blocksOf(data, "X509 CRL")
}

// blocksOf is the contents of the PEM blocks of these types, in order.
func blocksOf(data []byte, types ...string) [][]byte {
	blocks, _ := pki.PEMBlocks(data) // none is an empty list here
	var out [][]byte
	for _, b := range blocks {
		if slices.Contains(types, b.Type) {
			out = append(out, b.Bytes)
		}
	}
	return out
}
