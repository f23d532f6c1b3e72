package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// Integrity. Every record that decides trust or is handed out carries an
// HMAC-SHA256 under a key derived (HKDF) from the vault key, so only someone
// who can unlock the vault can change it unnoticed:
//
//   - certs.mac covers a certificate's identity and revocation state (id, CA,
//     kind, name, serial, validity, both fingerprints, revoked_at, reason);
//     the DER itself is bound through fingerprint_sha256, which every read
//     recomputes, with or without the passphrase;
//   - cas.mac covers a CA's name, certificate id, imported chain, CRL number
//     and dates, and its revocation set: rev_count and rev_digest, the XOR of
//     a keyed hash of every revoked certificate of the CA, so a revocation
//     deleted (or added, or changed) anywhere is seen;
//   - denied_fingerprints.mac covers each deny-list entry, and meta
//     "denials_seal" the count and digest of the whole list;
//   - audit.link chains the audit trail: each entry's HMAC covers the
//     previous entry's link, and meta "audit_head" (MAC'd) names the last one.
//
// A vault made before schema 3 has no MACs: they are computed on its first
// unlock (sealAll), which also re-wraps the vault key with a new associated
// data string (vaultKeyAADSealed). A vault key that opens only with the old
// string is therefore a vault never sealed; one that opens with the new
// string must have every MAC, so stripping MACs cannot pass for an old vault.
//
// An insecure demo vault's key is wrapped under an empty passphrase, so
// anyone who can write its file can forge its MACs: there they catch damage
// and careless edits, not an attacker. A vault rolled back whole to an
// earlier genuine state (an old backup) is, by design, not detected.
const (
	macInfo = "certdesk integrity v1"
)

// Assurance says how far the records a vault hands out are checked.
type Assurance int

const (
	// FingerprintChecked: the vault is locked (or was never sealed), so a
	// certificate is checked against its stored SHA-256 fingerprint only;
	// whoever can write the file could have replaced both. Unlock to
	// authenticate.
	FingerprintChecked Assurance = iota + 1
	// Authenticated: records are checked against their HMAC under the vault key.
	Authenticated
)

func (a Assurance) String() string {
	switch a {
	case Authenticated:
		return "authenticated (HMAC under the vault key)"
	case FingerprintChecked:
		return "fingerprints only (the vault is locked, so records cannot be authenticated)"
	}
	return "unknown"
}

// Assurance says how the vault's reads are checked right now.
func (v *Vault) Assurance() Assurance {
	if v.macKeyOrNil() != nil {
		return Authenticated
	}
	return FingerprintChecked
}

func deriveMACKey(vaultKey []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, vaultKey, nil, macInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the integrity key: %w", err)
	}
	return k, nil
}

func (v *Vault) macKeyOrNil() []byte {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.macKey
}

// mac is a length-prefixed HMAC-SHA256 over typed fields.
type mac struct{ h hash.Hash }

func newMAC(key []byte, domain string) *mac {
	m := &mac{h: hmac.New(sha256.New, key)}
	return m.str(domain)
}

func (m *mac) str(s string) *mac {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	m.h.Write(n[:])
	m.h.Write([]byte(s))
	return m
}

func (m *mac) bytes(b []byte) *mac { return m.str(string(b)) }

func (m *mac) int(i int64) *mac {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(i))
	m.h.Write(n[:])
	return m
}

func (m *mac) bool(b bool) *mac {
	if b {
		return m.int(1)
	}
	return m.int(0)
}

func (m *mac) sum() []byte { return m.h.Sum(nil) }

// certFields are the columns of a certificate row that its MAC covers.
type certFields struct {
	ID, CAID            int64
	Kind, CommonName    string
	Serial              string
	NotBefore, NotAfter int64
	FP256, FP1          string
	IsCA, HasKey        bool
	RevokedAt           int64 // -1: not revoked
	Reason              int64
	RenewedFrom         int64
	MAC                 []byte
}

// certFieldColumns reads certFields from certs aliased c; "c." is replaced
// by "OLD." in the triggers that remember a row's state before a change.
const certFieldColumns = `c.id, COALESCE(c.ca_id, 0), c.kind, c.common_name, c.serial, c.not_before, c.not_after,
	c.fingerprint_sha256, c.fingerprint_sha1, c.is_ca, c.has_key, COALESCE(c.revoked_at, -1),
	COALESCE(c.revocation_reason, 0), COALESCE(c.renewed_from, 0), c.mac`

func (f *certFields) targets() []any {
	return []any{&f.ID, &f.CAID, &f.Kind, &f.CommonName, &f.Serial, &f.NotBefore, &f.NotAfter,
		&f.FP256, &f.FP1, &f.IsCA, &f.HasKey, &f.RevokedAt, &f.Reason, &f.RenewedFrom, &f.MAC}
}

func (f certFields) mac(key []byte) []byte {
	return newMAC(key, "cert").int(f.ID).int(f.CAID).str(f.Kind).str(f.CommonName).str(f.Serial).
		int(f.NotBefore).int(f.NotAfter).str(f.FP256).str(f.FP1).bool(f.IsCA).bool(f.HasKey).
		int(f.RevokedAt).int(f.Reason).int(f.RenewedFrom).sum()
}

func (f certFields) name() string {
	return fmt.Sprintf("certificate %d (%q, serial %s)", f.ID, f.CommonName, f.Serial)
}

// verify checks the row's MAC.
func (f certFields) verify(key []byte) error {
	return checkMAC(f.name(), f.MAC, f.mac(key), "its record has no MAC", "its record does not match its MAC")
}

// checkMAC compares a record's stored MAC with the one its fields give.
func checkMAC(record string, stored, want []byte, missing, differs string) error {
	if stored == nil {
		return tampered(record, "%s", missing)
	}
	if !hmac.Equal(stored, want) {
		return tampered(record, "%s", differs)
	}
	return nil
}

// revElement is the keyed hash of one revocation, XORed into its CA's digest.
func (f certFields) revElement(key []byte) []byte {
	return newMAC(key, "revocation").int(f.CAID).int(f.ID).str(f.Serial).int(f.RevokedAt).int(f.Reason).sum()
}

func (f certFields) revoked() bool { return f.RevokedAt >= 0 && f.CAID != 0 }

// caFields are the columns of a CA row that its MAC covers.
type caFields struct {
	ID        int64
	Name      string
	CertID    int64
	ChainPEM  string
	CRLNumber int64
	CRLThis   int64 // -1: none
	CRLNext   int64
	CreatedAt int64
	RevCount  int64
	RevDigest string // hex
	MAC       []byte
}

const caFieldColumns = `a.id, a.name, COALESCE(a.cert_id, 0), a.chain_pem, a.crl_number, COALESCE(a.crl_this_update, -1),
	COALESCE(a.crl_next_update, -1), a.created_at, a.rev_count, a.rev_digest, a.mac`

func (f *caFields) targets() []any {
	return []any{&f.ID, &f.Name, &f.CertID, &f.ChainPEM, &f.CRLNumber, &f.CRLThis, &f.CRLNext,
		&f.CreatedAt, &f.RevCount, &f.RevDigest, &f.MAC}
}

func (f caFields) mac(key []byte) []byte {
	chain := sha256.Sum256([]byte(f.ChainPEM))
	return newMAC(key, "ca").int(f.ID).str(f.Name).int(f.CertID).bytes(chain[:]).int(f.CRLNumber).
		int(f.CRLThis).int(f.CRLNext).int(f.CreatedAt).int(f.RevCount).str(f.RevDigest).sum()
}

func (f caFields) name() string { return fmt.Sprintf("the record of CA %q", f.Name) }

func (f caFields) verify(key []byte) error {
	return checkMAC(f.name(), f.MAC, f.mac(key), "it has no MAC", "it does not match its MAC (its certificate, chain, CRL number or revocations were changed)")
}

// digest is an XOR accumulator of 32-byte elements, kept as hex.
type digest [32]byte

func parseDigest(s string) digest {
	var d digest
	if b, err := hex.DecodeString(s); err == nil && len(b) == len(d) {
		copy(d[:], b)
	}
	return d
}

func (d *digest) toggle(e []byte) {
	for i := range d {
		d[i] ^= e[i]
	}
}

func (d digest) String() string { return hex.EncodeToString(d[:]) }

// denialFields are a deny-list row.
type denialFields struct {
	FP        string
	Reason    int64
	RevokedAt int64
	Note      string
	MAC       []byte
	Version   int64 // not MAC'd (versions.go)
}

const denialColumns = `fingerprint_sha256, reason, revoked_at, note, mac, version`

func (f *denialFields) targets() []any {
	return []any{&f.FP, &f.Reason, &f.RevokedAt, &f.Note, &f.MAC, &f.Version}
}

func (f denialFields) verify(key []byte) error {
	return checkMAC("deny-list entry "+f.FP, f.MAC, f.mac(key), "it has no MAC", "it does not match its MAC")
}

func (f denialFields) mac(key []byte) []byte {
	return newMAC(key, "denial").str(f.FP).int(f.Reason).int(f.RevokedAt).str(f.Note).sum()
}

// auditFields are an audit row.
type auditFields struct {
	ID           int64
	At           int64
	Actor        string
	Action       string
	CAID, CertID int64
	Detail       string
	Link         []byte
}

func (f *auditFields) targets() []any {
	return []any{&f.ID, &f.At, &f.Actor, &f.Action, &f.CAID, &f.CertID, &f.Detail, &f.Link}
}

func (f auditFields) link(key, prev []byte) []byte {
	return newMAC(key, "audit").bytes(prev).int(f.ID).int(f.At).str(f.Actor).str(f.Action).
		int(f.CAID).int(f.CertID).str(f.Detail).sum()
}

// auditHead is the last link of the audit chain, kept in meta.
type auditHead struct {
	ID   int64
	Link []byte
}

func (h auditHead) encode(key []byte) string {
	m := newMAC(key, "audit head").int(h.ID).bytes(h.Link).sum()
	return fmt.Sprintf("%d:%x:%x", h.ID, h.Link, m)
}

func decodeAuditHead(key []byte, s string) (auditHead, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return auditHead{}, tampered("the audit trail's head", "it is missing or malformed")
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	link, err2 := hex.DecodeString(parts[1])
	m, err3 := hex.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return auditHead{}, tampered("the audit trail's head", "it is malformed")
	}
	h := auditHead{ID: id, Link: link}
	if !hmac.Equal(m, newMAC(key, "audit head").int(h.ID).bytes(h.Link).sum()) {
		return auditHead{}, tampered("the audit trail's head", "it does not match its MAC")
	}
	return h, nil
}

// setSeal is a count and XOR digest of a set, with a MAC, kept in meta.
type setSeal struct {
	Count  int64
	Digest digest
}

func (s setSeal) encode(key []byte, domain string) string {
	m := newMAC(key, domain).int(s.Count).str(s.Digest.String()).sum()
	return fmt.Sprintf("%d:%s:%x", s.Count, s.Digest, m)
}

func decodeSetSeal(key []byte, domain, what, s string) (setSeal, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return setSeal{}, tampered(what, "its seal is missing or malformed")
	}
	n, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := hex.DecodeString(parts[2])
	if err1 != nil || err2 != nil {
		return setSeal{}, tampered(what, "its seal is malformed")
	}
	out := setSeal{Count: n, Digest: parseDigest(parts[1])}
	if out.Digest.String() != parts[1] || !hmac.Equal(m, newMAC(key, domain).int(out.Count).str(out.Digest.String()).sum()) {
		return setSeal{}, tampered(what, "its seal does not match its MAC")
	}
	return out, nil
}
