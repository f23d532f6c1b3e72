package vault

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// A slot gives one admin of a team vault its key. Each admin has an X25519
// key pair; the private half is sealed under a key stretched from the
// admin's own passphrase (scrypt, as the vault key of a file vault), and
// the slot is the vault key sealed to the public half. An owner can so
// write a slot for every other admin without knowing their passphrases,
// which is what rotating the vault key on `admin remove` needs.
//
// An auditor's slot holds only the integrity key (the MAC key derived from
// the vault key): it checks every record and the audit chain, and unseals
// no private key, even if the database let it read one (it does not).

const slotAAD = "certdesk admin slot v1 "

// slotKeys are an admin's key pair, the private half sealed.
type slotKeys struct {
	Public     []byte
	PrivSealed []byte
	KDF        kdfParams
}

// newSlotKeys draws a key pair and seals its private half under passphrase.
func newSlotKeys(passphrase []byte, insecure bool) (slotKeys, error) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return slotKeys{}, fmt.Errorf("drawing an admin key: %w", err)
	}
	params, kek, err := newKEK(passphrase, insecure)
	if err != nil {
		return slotKeys{}, err
	}
	sealed, err := seal(kek, priv.Bytes(), slotAAD+"private")
	if err != nil {
		return slotKeys{}, err
	}
	return slotKeys{Public: priv.PublicKey().Bytes(), PrivSealed: sealed, KDF: params}, nil
}

// private unseals the private half with the admin's passphrase.
func (k slotKeys) private(passphrase []byte) (*ecdh.PrivateKey, error) {
	kek, err := k.KDF.derive(passphrase)
	if err != nil {
		return nil, err
	}
	raw, err := open(kek, k.PrivSealed, slotAAD+"private")
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return ecdh.X25519().NewPrivateKey(raw)
}

// sealTo seals secret to an admin's public key, bound to context (the
// admin's name and role): ephemeral public key || AES-GCM ciphertext.
func sealTo(public, secret []byte, context string) ([]byte, error) {
	pub, err := ecdh.X25519().NewPublicKey(public)
	if err != nil {
		return nil, fmt.Errorf("%w: an admin's public key is unreadable", ErrDamaged)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Key(sha256.New, shared, append(eph.PublicKey().Bytes(), public...), slotAAD+"wrap", 32)
	if err != nil {
		return nil, err
	}
	ct, err := seal(key, secret, slotAAD+context)
	if err != nil {
		return nil, err
	}
	return append(eph.PublicKey().Bytes(), ct...), nil
}

// openSlot reverses sealTo with the admin's private key.
func openSlot(priv *ecdh.PrivateKey, slot []byte, context string) ([]byte, error) {
	if len(slot) < 32 {
		return nil, fmt.Errorf("%w: the admin's slot is truncated", ErrDamaged)
	}
	eph, err := ecdh.X25519().NewPublicKey(slot[:32])
	if err != nil {
		return nil, fmt.Errorf("%w: the admin's slot is unreadable", ErrDamaged)
	}
	shared, err := priv.ECDH(eph)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Key(sha256.New, shared, append(slot[:32:32], priv.PublicKey().Bytes()...), slotAAD+"wrap", 32)
	if err != nil {
		return nil, err
	}
	secret, err := open(key, slot[32:], slotAAD+context)
	if err != nil {
		return nil, fmt.Errorf("%w: the admin's slot does not open (it was written for an earlier vault key, or altered)", ErrWrongPassphrase)
	}
	return secret, nil
}

// encodeKDF and decodeKDF keep an admin's KDF settings in one column.
func encodeKDF(p kdfParams) string {
	return fmt.Sprintf("scrypt:%d:%d:%d:%s:%t", p.LogN, p.R, p.P, base64.StdEncoding.EncodeToString(p.Salt), p.Insecure)
}

func decodeKDF(s string) (kdfParams, error) {
	f := strings.Split(s, ":")
	if len(f) != 6 || f[0] != "scrypt" {
		return kdfParams{}, fmt.Errorf("%w: an admin's key-derivation settings are unreadable", ErrDamaged)
	}
	m := map[string]string{"kdf": "scrypt", "kdf_log_n": f[1], "kdf_r": f[2], "kdf_p": f[3], "kdf_salt": f[4]}
	if b, _ := strconv.ParseBool(f[5]); b {
		m["insecure"] = "1"
	}
	return kdfFromMeta(m)
}
