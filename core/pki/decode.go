package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/youmark/pkcs8"

	"certdesk/core/input"
)

// ErrPasswordNeeded is returned when a key or file is encrypted and no
// password was given.
var ErrPasswordNeeded = errors.New("the file is encrypted: a password is needed")

// ErrWrongPassword is returned when a password does not open a key or file.
var ErrWrongPassword = errors.New("the password is wrong")

// MaxInputSize bounds the files Certdesk reads: far above any real
// certificate file, far below what would hurt memory.
const MaxInputSize = input.MaxSize

// PEMBlocks splits PEM text into its blocks. It fails when there are none.
func PEMBlocks(data []byte) ([]*pem.Block, error) {
	var blocks []*pem.Block
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 && IsPEM(data) {
		return nil, errors.New("the file has -----BEGIN lines but no readable PEM block: its text is damaged or an -----END line is missing")
	}
	if len(blocks) == 0 {
		return nil, errors.New("no PEM block found (expected lines like -----BEGIN CERTIFICATE-----)")
	}
	return blocks, nil
}

// IsPEM reports whether data looks like PEM text.
func IsPEM(data []byte) bool {
	return strings.Contains(string(data[:min(len(data), 1<<16)]), "-----BEGIN ")
}

// ParseCertificates reads one or more certificates from PEM or DER.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) == 0 {
		return nil, errors.New("the file is empty")
	}
	if !IsPEM(data) {
		cert, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, plainError{"not a certificate: the file is neither PEM text (-----BEGIN CERTIFICATE-----) nor a DER certificate", err}
		}
		return []*x509.Certificate{cert}, nil
	}
	blocks, err := PEMBlocks(data)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for i, b := range blocks {
		if b.Type != "CERTIFICATE" && b.Type != "TRUSTED CERTIFICATE" && b.Type != "X509 CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, plainError{fmt.Sprintf("PEM block %d is labelled CERTIFICATE but its contents are damaged: not a readable certificate", i+1), err}
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("the file holds no CERTIFICATE block")
	}
	return certs, nil
}

// ParsePrivateKey reads a private key from PEM or DER: PKCS#8 (plain or
// encrypted), traditional RSA or EC PEM (plain or with the legacy
// Proc-Type encryption). password is used only when the key is encrypted.
func ParsePrivateKey(data []byte, password []byte) (crypto.Signer, error) {
	if len(data) == 0 {
		return nil, errors.New("the key file is empty")
	}
	if !IsPEM(data) {
		return parseKeyDER(data, password)
	}
	blocks, err := PEMBlocks(data)
	if err != nil {
		return nil, err
	}
	for _, b := range blocks {
		if !strings.Contains(b.Type, "PRIVATE KEY") {
			continue
		}
		return parseKeyBlock(b, password)
	}
	return nil, errors.New("the file holds no PRIVATE KEY block")
}

func parseKeyBlock(b *pem.Block, password []byte) (crypto.Signer, error) {
	der := b.Bytes
	//lint:ignore SA1019 reading legacy encrypted PEM keys made by openssl and easy-rsa is the point here
	if x509.IsEncryptedPEMBlock(b) {
		if len(password) == 0 {
			return nil, ErrPasswordNeeded
		}
		var err error
		//lint:ignore SA1019 as above: import only, Certdesk never writes this format
		der, err = x509.DecryptPEMBlock(b, password)
		if err != nil {
			return nil, ErrWrongPassword
		}
	}
	switch b.Type {
	case "ENCRYPTED PRIVATE KEY":
		return parseEncryptedPKCS8(der, password)
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("malformed RSA private key: %w", err)
		}
		return k, nil
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("malformed EC private key: %w", err)
		}
		return k, nil
	}
	return parseKeyDER(der, password)
}

func parseEncryptedPKCS8(der, password []byte) (crypto.Signer, error) {
	if len(password) == 0 {
		return nil, ErrPasswordNeeded
	}
	if !isPBES2(der) {
		return nil, errors.New("the encrypted PKCS#8 key uses an encryption other than PBES2 (PKCS #5 v2.0), which Certdesk cannot read: re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc")
	}
	k, _, err := pkcs8.ParsePrivateKey(der, password)
	if err != nil {
		// The structure is sound and PBES2 is supported: what fails is the
		// decryption or the key it yields, which a wrong password causes.
		return nil, ErrWrongPassword
	}
	return asSigner(k)
}

func parseKeyDER(der, password []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return asSigner(k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	if isEncryptedPKCS8(der) {
		return parseEncryptedPKCS8(der, password)
	}
	return nil, errors.New("not a private key Certdesk can read (expected PKCS#8, PKCS#1 RSA or SEC 1 EC, as PEM or DER)")
}

func asSigner(k any) (crypto.Signer, error) {
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	switch DescribePublicKey(s.Public()) {
	case "unknown":
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return s, nil
}

// BlockDER is the content of the first PEM block in data of one of the
// types, or data itself when it is not PEM (DER already); found is false
// when PEM data holds no block of those types.
func BlockDER(data []byte, types ...string) (der []byte, found bool, err error) {
	if !IsPEM(data) {
		return data, true, nil
	}
	blocks, err := PEMBlocks(data)
	if err != nil {
		return nil, false, err
	}
	for _, b := range blocks {
		if slices.Contains(types, b.Type) {
			return b.Bytes, true, nil
		}
	}
	return nil, false, nil
}

// ParseCSR reads a certificate signing request from PEM or DER.
func ParseCSR(data []byte) (*x509.CertificateRequest, error) {
	if len(data) == 0 {
		return nil, errors.New("the CSR file is empty")
	}
	der, found, err := BlockDER(data, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errors.New("the file holds no CERTIFICATE REQUEST block")
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("malformed CSR: %w", err)
	}
	return csr, nil
}

// EncodeCertPEM returns the certificate as PEM.
func EncodeCertPEM(cert *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// EncodeCRLPEM returns a CRL's DER as PEM.
func EncodeCRLPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// encryptedPrivateKeyInfo is RFC 5958's EncryptedPrivateKeyInfo.
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// isEncryptedPKCS8 tells an encrypted PKCS#8 key by its structure, without
// running its key derivation.
func isEncryptedPKCS8(der []byte) bool {
	var info encryptedPrivateKeyInfo
	rest, err := asn1.Unmarshal(der, &info)
	return err == nil && len(rest) == 0 && len(info.EncryptedData) > 0
}

func isPBES2(der []byte) bool {
	var info encryptedPrivateKeyInfo
	_, err := asn1.Unmarshal(der, &info)
	return err == nil && info.Algorithm.Algorithm.Equal(oidPBES2)
}

// plainError says what went wrong in a person's words, keeping the
// parser's own error (with its internal wording) for errors.Is and As.
type plainError struct {
	msg string
	err error
}

func (e plainError) Error() string { return e.msg }
func (e plainError) Unwrap() error { return e.err }
