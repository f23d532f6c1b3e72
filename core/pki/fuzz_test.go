package pki

import (
	"testing"
)

// FuzzParse feeds any bytes to every parser of outside data.
func FuzzParse(f *testing.F) {
	ca := newTestCA(f, ECDSAP256)
	f.Add(ca.Cert.Raw)
	f.Add(EncodeCertPEM(ca.Cert))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseCertificates(data)
		ParsePrivateKey(data, []byte("pw"))
		ParseCSR(data)
	})
}

// FuzzFingerprint: any text either parses to a 95-character colon form or
// is refused; it never panics.
func FuzzFingerprint(f *testing.F) {
	for _, s := range []string{"AB:CD", "sha256 Fingerprint=00:11", "0x1234", "", "zz", "32f19fa5edea8f2b1a552bed7588230cfeb11b08e6106abeaf0123ad3aa991a1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fp, err := ParseFingerprintSHA256(s); err == nil && len(fp) != 95 {
			t.Fatalf("%q parsed to %q", s, fp)
		}
		NormalizeHex(s)
	})
}
