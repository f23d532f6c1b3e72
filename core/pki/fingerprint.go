package pki

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// FingerprintSHA256 returns the SHA-256 of the DER bytes as uppercase hex
// with colons, exactly as `openssl x509 -fingerprint -sha256` prints it.
func FingerprintSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return ColonHex(sum[:])
}

// FingerprintSHA1 returns the SHA-1 of the DER bytes (the nginx and Windows
// "thumbprint") as uppercase hex with colons.
func FingerprintSHA1(der []byte) string {
	sum := sha1.Sum(der)
	return ColonHex(sum[:])
}

// ColonHex formats bytes as uppercase hex pairs joined by colons.
func ColonHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	if len(b) == 0 {
		return ""
	}
	out := make([]byte, 0, len(b)*3-1)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&0x0f])
	}
	return string(out)
}

// SerialHex formats a serial number the way openssl and nginx print it:
// uppercase hex of its bytes, no colons.
func SerialHex(n *big.Int) string {
	if n == nil {
		return ""
	}
	b := n.Bytes()
	if len(b) == 0 {
		return "00"
	}
	if n.Sign() < 0 {
		return "-" + strings.ToUpper(hex.EncodeToString(b))
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// NormalizeHex reads hex as people paste it — "AB:CD", "ab cd", "abcd",
// "SHA256 Fingerprint=AB:CD", "sha256:abcd", "0xABCD" — and returns it as bare
// uppercase hex. It fails when anything else is left.
func NormalizeHex(s string) (string, error) {
	t := strings.TrimSpace(s)
	if i := strings.LastIndex(t, "="); i >= 0 {
		t = t[i+1:]
	}
	lower := strings.ToLower(t)
	for _, prefix := range []string{"sha256:", "sha-256:", "sha1:", "sha-1:", "0x"} {
		if strings.HasPrefix(lower, prefix) {
			t = t[len(prefix):]
			break
		}
	}
	var b strings.Builder
	for _, r := range t {
		switch {
		case r == ':' || r == ' ' || r == '-' || r == '\t':
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f', r >= 'A' && r <= 'F':
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%q is not hex: a fingerprint or serial has only 0-9 and A-F (colons and spaces are fine)", s)
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("%q holds no hex digits", s)
	}
	return strings.ToUpper(b.String()), nil
}

// ParseFingerprintSHA256 reads a complete SHA-256 fingerprint in any common
// form and returns it as uppercase hex with colons.
func ParseFingerprintSHA256(s string) (string, error) {
	h, err := NormalizeHex(s)
	if err != nil {
		return "", err
	}
	if len(h) != 64 {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint: it has %d hex digits, a SHA-256 fingerprint has 64", s, len(h))
	}
	b, _ := hex.DecodeString(h)
	return ColonHex(b), nil
}

// HexToColon turns bare hex into colon-separated pairs; an odd last digit
// stays alone (for prefixes).
func HexToColon(h string) string {
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		end := min(i+2, len(h))
		b.WriteString(h[i:end])
	}
	return b.String()
}

// PublicKeySHA256 is the SHA-256 of the DER SubjectPublicKeyInfo (the value
// HPKP-style pins and `openssl pkey -pubout | sha256` use), colon hex; empty
// when the key cannot be encoded.
func PublicKeySHA256(pub any) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	return FingerprintSHA256(der)
}

// CertificateKeySHA256 is PublicKeySHA256 of a parsed certificate's key,
// taken from the DER the certificate already holds (no re-encoding).
func CertificateKeySHA256(cert *x509.Certificate) string {
	if len(cert.RawSubjectPublicKeyInfo) == 0 {
		return PublicKeySHA256(cert.PublicKey)
	}
	return FingerprintSHA256(cert.RawSubjectPublicKeyInfo)
}
