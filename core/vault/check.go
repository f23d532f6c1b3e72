package vault

import (
	"context"
	"errors"
	"fmt"

	"certdesk/core/pki"
)

// CheckOptions tune CheckAll.
type CheckOptions struct {
	// Full runs SQLite's integrity_check (it also cross-checks indexes)
	// instead of quick_check.
	Full bool
}

// Problem is one thing CheckAll found wrong.
type Problem struct {
	// Kind is "file" (SQLite or the header says the file is damaged),
	// "key" (the sealed vault key), "record" (a certificate, CA,
	// revocation set or deny-list entry) or "audit" (the chain).
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

// CheckReport is what CheckAll found.
type CheckReport struct {
	Path string `json:"path"`
	// Authenticated is false when the vault is locked: records were then
	// checked against their fingerprints only, and the audit chain not at all.
	Authenticated bool `json:"authenticated"`
	// Insecure vaults have no passphrase, so whoever can write the file can
	// derive the vault key and forge MACs: their checks catch damage and
	// careless edits, not a deliberate attacker.
	Insecure     bool           `json:"insecure"`
	Certificates int            `json:"certificates"`
	CAs          int            `json:"cas"`
	Revocations  int            `json:"revocations"`
	Denials      int            `json:"denials"`
	Audit        AuditChain     `json:"audit"`
	Problems     []Problem      `json:"problems"`
	Warnings     []string       `json:"warnings,omitempty"`
	Assurance    Assurance      `json:"-"`
	perKind      map[string]int // problems per kind, to bound the report
}

// Err is nil when there are no problems, else a *CheckError naming them
// all: errors.Is finds ErrTampered when a record failed its checks and
// ErrDamaged when the file or key material is damaged, and errors.As the
// first *IntegrityError.
func (r CheckReport) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &CheckError{Path: r.Path, Problems: r.Problems}
}

// CheckError is a failed check.
type CheckError struct {
	Path     string
	Problems []Problem
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("%s failed its check, %d problem(s): %s", e.Path, len(e.Problems), joinProblems(e.Problems))
}

// Unwrap gives every problem's error.
func (e *CheckError) Unwrap() []error {
	out := make([]error, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, p.Err)
	}
	return out
}

const maxProblemsPerKind = 20

func (r *CheckReport) add(kind string, err error) {
	if r.perKind == nil {
		r.perKind = map[string]int{}
	}
	r.perKind[kind]++
	if r.perKind[kind] > maxProblemsPerKind {
		return
	}
	r.Problems = append(r.Problems, Problem{Kind: kind, Message: err.Error(), Err: err})
}

// CheckAll checks the whole vault: the file (SQLite's own check), the
// sealed key, every certificate against its fingerprint and MAC, every CA
// (record, certificate against its key, revocation set), the deny-list and
// the audit chain. MACs need the vault unlocked; locked, the report says
// Authenticated false. It returns an error only when it could not run.
func (v *Vault) CheckAll(ctx context.Context, opts CheckOptions) (CheckReport, error) {
	v.followRotation(ctx) // a whole-vault scan checks under the current key
	r := CheckReport{Path: v.path, Authenticated: v.macKeyOrNil() != nil, Insecure: v.insecure, Assurance: v.Assurance(), Warnings: v.Warnings(), Problems: []Problem{}}
	if err := v.health.err(); err != nil {
		r.add("file", err)
	}
	pragma := "quick_check"
	if opts.Full {
		pragma = "integrity_check"
	}
	sqliteProblems, err := sqliteCheck(ctx, v, pragma, 20)
	if err != nil {
		return r, err
	}
	for _, p := range sqliteProblems {
		r.add("file", fmt.Errorf("%w: SQLite's %s says: %s", ErrDamaged, pragma, p))
	}
	v.checkKeyMaterial(ctx, &r)
	v.checkCerts(ctx, &r)
	v.checkCAs(ctx, &r)
	v.checkDenials(ctx, &r)
	chain, err := v.VerifyAudit(ctx)
	if err != nil {
		r.add("audit", v.readError("reading the audit trail", err))
	} else {
		r.Audit = chain
		if chain.Problem != nil {
			r.add("audit", chain.Problem)
		}
	}
	return r, nil
}

func (v *Vault) checkKeyMaterial(ctx context.Context, r *CheckReport) {
	if v.onServer() {
		v.checkSlots(ctx, r)
		return
	}
	m, err := v.meta(ctx)
	if err != nil {
		r.add("key", v.readError("reading vault settings", err))
		return
	}
	if m["vault_key"] == "" && m["team_slot"] != "" {
		return // a team vault's backup: its slot is checked by unlocking
	}
	params, err := kdfFromMeta(m)
	if err != nil {
		r.add("key", err)
		return
	}
	wrapped, err := decodeB64(m["vault_key"])
	if err != nil || len(wrapped) == 0 {
		r.add("key", fmt.Errorf("%w: the vault's sealed key is unreadable", ErrDamaged))
		return
	}
	if chk, ok := m["vault_key_check"]; ok && chk != keyCheck(params, wrapped) {
		r.add("key", fmt.Errorf("%w: the vault's sealed key or its key-derivation settings were corrupted", ErrDamaged))
	}
}

func (v *Vault) checkCerts(ctx context.Context, r *CheckReport) {
	key := v.macKeyOrNil()
	rows, err := v.db.QueryContext(ctx, `SELECT b.der, `+certFieldColumns+` FROM certs c LEFT JOIN cert_blobs b ON b.cert_id = c.id ORDER BY c.id`)
	if err != nil {
		r.add("record", v.readError("reading certificates", err))
		return
	}
	defer rows.Close()
	for rows.Next() {
		var f certFields
		var der []byte
		if err := rows.Scan(append([]any{&der}, f.targets()...)...); err != nil {
			r.add("record", v.readError("reading certificates", err))
			return
		}
		r.Certificates++
		if f.revoked() {
			r.Revocations++
		}
		switch {
		case der == nil:
			r.add("record", tampered(f.name(), "its bytes are missing"))
		case pki.FingerprintSHA256(der) != f.FP256:
			r.add("record", tampered(f.name(), "its bytes do not match its stored SHA-256 fingerprint"))
		case key != nil:
			if err := f.verify(key); err != nil {
				r.add("record", err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		r.add("record", v.readError("reading certificates", err))
	}
}

func (v *Vault) checkCAs(ctx context.Context, r *CheckReport) {
	cas, err := allCAFields(ctx, v.db)
	if err != nil {
		r.add("record", v.readError("reading CAs", err))
		return
	}
	key := v.macKeyOrNil()
	for _, f := range cas {
		r.CAs++
		if key != nil {
			if err := f.verify(key); err != nil {
				r.add("record", err)
				continue
			}
		}
		cert, err := v.Certificate(ctx, f.CertID)
		if err != nil {
			if !errors.Is(err, ErrTampered) { // a tampered certificate is already reported
				r.add("record", fmt.Errorf("CA %q: %w", f.Name, err))
			}
			continue
		}
		if key != nil {
			if k, err := v.PrivateKey(ctx, f.CertID); err == nil {
				if pki.KeyMatchesCertificate(k, cert) != nil {
					r.add("record", tampered(fmt.Sprintf("the certificate of CA %q", f.Name), "it does not match the CA's private key"))
				}
			}
			if _, err := v.verifiedRevocations(ctx, f); err != nil {
				r.add("record", err)
			}
		}
	}
}

func (v *Vault) checkDenials(ctx context.Context, r *CheckReport) {
	rows, seal, err := readDenialRows(ctx, v.db)
	if err != nil {
		r.add("record", v.readError("reading the deny-list", err))
		return
	}
	r.Denials = len(rows)
	key := v.macKeyOrNil()
	if key == nil {
		return
	}
	if err := verifyDenials(key, rows, seal); err != nil {
		r.add("record", err)
	}
}
