package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
	// vaultKeyAAD bound the vault key of vaults made before schema 3;
	// vaultKeyAADSealed binds it once every record carries a MAC.
	vaultKeyAAD       = "certdesk vault key v1"
	vaultKeyAADSealed = "certdesk vault key v2 sealed"
	keyAADPrefix      = "certdesk private key v1 "
)

// Bounds on the KDF settings read from a vault file, so that a damaged or
// hostile file cannot make an unlock take hours or all memory: scrypt uses
// 128·N·r bytes, capped here at 1 GiB, and at most 16 parallel passes.
const (
	minLogN        = 10
	maxLogN        = 22
	maxR           = 32
	maxP           = 16
	maxScryptBytes = 1 << 30
	minSaltLen     = 16
	maxSaltLen     = 64
)

// kdfParams are stored in the meta table.
type kdfParams struct {
	LogN     int
	R, P     int
	Salt     []byte
	Insecure bool
}

// check refuses settings outside the bounds, as damage.
func (p kdfParams) check() error {
	bad := p.LogN < minLogN || p.LogN > maxLogN || p.R < 1 || p.R > maxR || p.P < 1 || p.P > maxP ||
		len(p.Salt) < minSaltLen || len(p.Salt) > maxSaltLen
	if !bad && int64(128)*int64(p.R)<<p.LogN > maxScryptBytes {
		bad = true
	}
	if bad {
		return fmt.Errorf("%w: its key-derivation settings (scrypt N=2^%d r=%d p=%d, %d-byte salt) are outside what Certdesk writes or accepts", ErrDamaged, p.LogN, p.R, p.P, len(p.Salt))
	}
	return nil
}

func (p kdfParams) derive(passphrase []byte) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	key, err := scrypt.Key(passphrase, p.Salt, 1<<p.LogN, p.R, p.P, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the key from the passphrase: %w", err)
	}
	return key, nil
}

// keyCheck is a checksum of the sealed vault key and its KDF settings,
// stored beside them: a mismatch means the key material is damaged, which
// is told apart from a wrong passphrase.
func keyCheck(p kdfParams, wrapped []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "certdesk key check v1|%d|%d|%d|%x|%x", p.LogN, p.R, p.P, p.Salt, wrapped)
	return hex.EncodeToString(h.Sum(nil))
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
	damaged := fmt.Errorf("%w: its key-derivation settings are unreadable", ErrDamaged)
	if m["kdf"] != "scrypt" {
		if m["kdf"] == "" {
			return kdfParams{}, damaged
		}
		return kdfParams{}, fmt.Errorf("the vault uses key derivation %q, which this build does not know", m["kdf"])
	}
	var p kdfParams
	var err error
	if p.LogN, err = strconv.Atoi(m["kdf_log_n"]); err != nil {
		return p, damaged
	}
	if p.R, err = strconv.Atoi(m["kdf_r"]); err != nil {
		return p, damaged
	}
	if p.P, err = strconv.Atoi(m["kdf_p"]); err != nil {
		return p, damaged
	}
	if p.Salt, err = base64.StdEncoding.DecodeString(m["kdf_salt"]); err != nil {
		return p, damaged
	}
	p.Insecure = m["insecure"] == "1"
	return p, p.check()
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

// newKEK draws new KDF settings and stretches passphrase with them.
func newKEK(passphrase []byte, insecure bool) (kdfParams, []byte, error) {
	params, err := newKDFParams(insecure)
	if err != nil {
		return params, nil, err
	}
	kek, err := params.derive(passphrase)
	return params, kek, err
}
