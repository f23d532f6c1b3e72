// Package pki creates keys and certificates with Certdesk's profiles: CAs,
// person (client) certificates, server certificates and certificates signed
// from CSRs. It holds no storage and no user interface.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
)

// KeyType names a kind of key Certdesk can generate.
type KeyType string

// The key types Certdesk generates. ECDSAP256 is the default.
const (
	ECDSAP256 KeyType = "ecdsa-p256"
	ECDSAP384 KeyType = "ecdsa-p384"
	RSA2048   KeyType = "rsa-2048"
	RSA3072   KeyType = "rsa-3072"
	RSA4096   KeyType = "rsa-4096"
	Ed25519   KeyType = "ed25519"
)

// DefaultKeyType is the key type used when none is asked for.
const DefaultKeyType = ECDSAP256

// KeyTypes lists every key type in the order a user should see them.
var KeyTypes = []KeyType{ECDSAP256, ECDSAP384, RSA2048, RSA3072, RSA4096, Ed25519}

var keyTypeAliases = map[string]KeyType{
	"ecdsa-p256": ECDSAP256, "p256": ECDSAP256, "p-256": ECDSAP256, "ec": ECDSAP256, "ecdsa": ECDSAP256, "prime256v1": ECDSAP256, "secp256r1": ECDSAP256, "ec-p256": ECDSAP256,
	"ecdsa-p384": ECDSAP384, "p384": ECDSAP384, "p-384": ECDSAP384, "secp384r1": ECDSAP384, "ec-p384": ECDSAP384,
	"rsa-2048": RSA2048, "rsa2048": RSA2048, "rsa": RSA2048,
	"rsa-3072": RSA3072, "rsa3072": RSA3072,
	"rsa-4096": RSA4096, "rsa4096": RSA4096,
	"ed25519": Ed25519,
}

// ParseKeyType reads a key type as a user may type it ("p256", "RSA-4096",
// "ed25519" ...). The empty string gives DefaultKeyType.
func ParseKeyType(s string) (KeyType, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultKeyType, nil
	}
	if kt, ok := keyTypeAliases[s]; ok {
		return kt, nil
	}
	names := make([]string, len(KeyTypes))
	for i, kt := range KeyTypes {
		names[i] = string(kt)
	}
	return "", fmt.Errorf("unknown key type %q: use one of %s", s, strings.Join(names, ", "))
}

// GenerateKey makes a new private key of the given type.
func GenerateKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case ECDSAP256, "":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	case Ed25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("unknown key type %q", kt)
}

// DescribePublicKey names a public key the way people read it:
// "ECDSA P-256", "RSA 2048", "Ed25519".
func DescribePublicKey(pub any) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return "unknown"
}

// IsRSA reports whether the public key is an RSA key.
func IsRSA(pub any) bool {
	_, ok := pub.(*rsa.PublicKey)
	return ok
}
