package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/crypto/scrypt"
)

// KDF costs. The passphrase is stretched once per unlock with scrypt (memory
// hard, N=2^17 as OWASP recommends); it unwraps a random vault key, and each
// private key is sealed under that vault key with AES-256-GCM, which costs
// microseconds. An insecure demo vault has no passphrase to protect, so it
// uses the smallest cost.
const (
	scryptLogN         = 17
	scryptLogNInsecure = 10
	scryptR            = 8
	scryptP            = 1
)

const (
	vaultKeyAAD  = "certdesk vault key v1"
	keyAADPrefix = "certdesk private key v1 "
)

// kdfParams are stored in the meta table.
type kdfParams struct {
	LogN     int
	R, P     int
	Salt     []byte
	Insecure bool
}

func (p kdfParams) derive(passphrase []byte) ([]byte, error) {
	if p.LogN < 10 || p.LogN > 22 || p.R < 1 || p.P < 1 || len(p.Salt) < 16 {
		return nil, errors.New("the vault's key-derivation settings are damaged")
	}
	key, err := scrypt.Key(passphrase, p.Salt, 1<<p.LogN, p.R, p.P, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the key from the passphrase: %w", err)
	}
	return key, nil
}

func (p kdfParams) meta() map[string]string {
	insecure := "0"
	if p.Insecure {
		insecure = "1"
	}
	return map[string]string{
		"kdf":       "scrypt",
		"kdf_log_n": strconv.Itoa(p.LogN),
		"kdf_r":     strconv.Itoa(p.R),
		"kdf_p":     strconv.Itoa(p.P),
		"kdf_salt":  base64.StdEncoding.EncodeToString(p.Salt),
		"insecure":  insecure,
	}
}

func kdfFromMeta(m map[string]string) (kdfParams, error) {
	if m["kdf"] != "scrypt" {
		return kdfParams{}, fmt.Errorf("the vault uses key derivation %q, which this build does not know", m["kdf"])
	}
	var p kdfParams
	var err error
	if p.LogN, err = strconv.Atoi(m["kdf_log_n"]); err != nil {
		return p, errors.New("the vault's key-derivation settings are damaged")
	}
	if p.R, err = strconv.Atoi(m["kdf_r"]); err != nil {
		return p, errors.New("the vault's key-derivation settings are damaged")
	}
	if p.P, err = strconv.Atoi(m["kdf_p"]); err != nil {
		return p, errors.New("the vault's key-derivation settings are damaged")
	}
	if p.Salt, err = base64.StdEncoding.DecodeString(m["kdf_salt"]); err != nil {
		return p, errors.New("the vault's key-derivation settings are damaged")
	}
	p.Insecure = m["insecure"] == "1"
	return p, nil
}

func newKDFParams(insecure bool) (kdfParams, error) {
	p := kdfParams{LogN: scryptLogN, R: scryptR, P: scryptP, Salt: make([]byte, 32), Insecure: insecure}
	if insecure {
		p.LogN = scryptLogNInsecure
	}
	if _, err := rand.Read(p.Salt); err != nil {
		return p, fmt.Errorf("drawing a salt: %w", err)
	}
	return p, nil
}

// seal encrypts plaintext with AES-256-GCM under key, binding it to aad.
// The result is nonce || ciphertext.
func seal(key, plaintext []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("drawing a nonce: %w", err)
	}
	return gcm.Seal(nonce, nonce, plaintext, []byte(aad)), nil
}

// open reverses seal. It fails when the key is wrong or the data was altered.
func open(key, sealed []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize()+gcm.Overhead() {
		return nil, errors.New("sealed data is truncated")
	}
	nonce, ct := sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():]
	return gcm.Open(nil, nonce, ct, []byte(aad))
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("setting up AES: %w", err)
	}
	return cipher.NewGCM(block)
}
