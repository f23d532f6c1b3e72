package export

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/youmark/pkcs8"
)

// KeyPBKDF2Iterations is the PBKDF2-SHA256 cost of an encrypted key file
// (OWASP's figure for PBKDF2-SHA256), for passwords people choose.
const KeyPBKDF2Iterations = 600_000

// GeneratedPasswordIterations is the cost for keys under a password from
// GeneratePassword: 100 random bits cannot be guessed however cheap a guess
// is, so OpenSSL's own default is enough, and a PKI of a thousand keys is
// written in seconds instead of minutes.
const GeneratedPasswordIterations = 2048

// KeyPEM encodes a private key as PKCS#8 PEM; with a password it is
// encrypted with PBES2 (AES-256-CBC, PBKDF2-SHA256), which OpenSSL 3, Java
// and every current TLS server read.
func KeyPEM(key crypto.Signer, password string) ([]byte, error) {
	return KeyPEMWithCost(key, password, KeyPBKDF2Iterations)
}

// KeyPEMWithCost is KeyPEM with a chosen PBKDF2 iteration count.
func KeyPEMWithCost(key crypto.Signer, password string, iterations int) ([]byte, error) {
	if password == "" {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("encoding the private key: %w", err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	der, err := pkcs8.MarshalPrivateKey(key, []byte(password), &pkcs8.Opts{
		Cipher: pkcs8.AES256CBC,
		KDFOpts: pkcs8.PBKDF2Opts{
			SaltSize: 16, IterationCount: iterations, HMACHash: crypto.SHA256,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("encrypting the private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}), nil
}
