package pki

import (
	"bytes"
	"encoding/pem"
	"testing"
)

// TestBlockDER: DER comes back as it is; from PEM, the first block of a
// wanted type, or found false when there is none; damaged PEM is an error.
func TestBlockDER(t *testing.T) {
	ca := newTestCA(t, ECDSAP256)
	request := pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: []byte("csr")})
	tests := []struct {
		name      string
		data      []byte
		types     []string
		want      []byte
		wantFound bool
		wantErr   bool
	}{
		{"DER", ca.Cert.Raw, []string{"X509 CRL"}, ca.Cert.Raw, true, false},
		{"the wanted block after another", append(EncodeCertPEM(ca.Cert), EncodeCRLPEM([]byte("crl"))...), []string{"X509 CRL"}, []byte("crl"), true, false},
		{"any of the types", request, []string{"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}, []byte("csr"), true, false},
		{"no block of the type", EncodeCertPEM(ca.Cert), []string{"X509 CRL"}, nil, false, false},
		{"damaged PEM", []byte("-----BEGIN X509 CRL-----\nnot base64"), []string{"X509 CRL"}, nil, false, true},
	}
	for _, tt := range tests {
		der, found, err := BlockDER(tt.data, tt.types...)
		if (err != nil) != tt.wantErr || found != tt.wantFound || !bytes.Equal(der, tt.want) {
			t.Errorf("%s: got %q, %v, %v; want %q, %v, error %v", tt.name, der, found, err, tt.want, tt.wantFound, tt.wantErr)
		}
	}
}
