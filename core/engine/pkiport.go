package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"certdesk/core/export"
	"certdesk/core/input"
	"certdesk/core/interop"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// PKIExport says which CA to write as an easy-rsa folder, where, and under
// which password (empty: a generated one).
type PKIExport struct {
	CA       CA
	Dir      string
	Password string
	// Generated says Password was generated (100 random bits), so the keys
	// need no slow key derivation to resist guessing.
	Generated bool
}

// PKIExported is what an easy-rsa export wrote.
type PKIExported struct {
	CA           CA
	Dir          string
	Certificates int
	CRLNumber    int64
	Password     string
	Generated    bool // the password was generated: show it once
}

// ExportPKI writes a CA's whole PKI as an easy-rsa folder that easy-rsa
// and `openssl ca` keep using: the CA with its key, every certificate it
// issued with the keys the vault holds and their revocations, and a freshly
// signed CRL. The folder must be new or empty; it is made before the CRL
// is signed, so a folder that cannot be made leaves the vault unchanged.
func (e *Engine) ExportPKI(ctx context.Context, req PKIExport) (PKIExported, error) {
	if entries, err := os.ReadDir(req.Dir); err == nil && len(entries) > 0 {
		return PKIExported{}, fmt.Errorf("%s is not empty: choose a new folder for the easy-rsa PKI", req.Dir)
	}
	if err := os.MkdirAll(req.Dir, 0o700); err != nil {
		return PKIExported{}, fmt.Errorf("creating the folder %s: %w", req.Dir, err)
	}
	out := PKIExported{CA: req.CA, Dir: req.Dir, Password: req.Password, Generated: req.Generated}
	if out.Password == "" {
		out.Password, out.Generated = export.GeneratePassword(), true
	}
	opts := interop.WriteOptions{Password: out.Password, Now: e.Now()}
	if out.Generated {
		opts.KeyIterations = export.GeneratedPasswordIterations
	}
	p, err := e.gatherPKI(ctx, req.CA)
	if err != nil {
		return PKIExported{}, err
	}
	if err := interop.WriteEasyRSA(req.Dir, p, opts); err != nil {
		return PKIExported{}, err
	}
	out.Certificates, out.CRLNumber = len(p.Certs), p.CRLNumber
	return out, nil
}

// gatherPKI reads a CA's whole PKI out of the vault and signs a fresh CRL,
// so the folder's crl.pem is current.
func (e *Engine) gatherPKI(ctx context.Context, ca CA) (interop.PKI, error) {
	v := e.store
	auth, err := v.Authority(ctx, ca)
	if err != nil {
		return interop.PKI{}, err
	}
	chain, err := v.Chain(ctx, ca.CertID)
	if err != nil {
		return interop.PKI{}, err
	}
	crl, err := v.SignCRL(ctx, ca, 0)
	if err != nil {
		return interop.PKI{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	p := interop.PKI{CA: auth.Cert, CAKey: auth.Key, Chain: chain, CRL: crl.DER, CRLNumber: crl.Number}
	recs, err := v.List(ctx, Filter{CAID: ca.ID, Sort: SortID})
	if err != nil {
		return interop.PKI{}, err
	}
	for _, rec := range recs {
		if rec.ID == ca.CertID {
			continue
		}
		cert, err := v.Certificate(ctx, rec.ID)
		if err != nil {
			return interop.PKI{}, err
		}
		entry := interop.Entry{Cert: cert, RevokedAt: rec.RevokedAt, Reason: rec.RevocationReason}
		if rec.HasKey && rec.Kind != KindCA { // an issuing CA's key goes only into its own folder
			if entry.Key, err = v.PrivateKey(ctx, rec.ID); err != nil {
				return interop.PKI{}, err
			}
		}
		p.Certs = append(p.Certs, entry)
	}
	return p, nil
}

// PKIImport says where a PKI comes from: an easy-rsa (or openssl ca)
// folder or an XCA PEM export, the password of its keys (nil: none), and
// the name to give the CA (empty: its common name; numbered when the
// source holds several CAs).
type PKIImport struct {
	Source   string
	Password []byte
	Name     string
	// FreeNames names each CA by its common name, numbered ("Name (2)")
	// when the vault already has a CA of that name.
	FreeNames bool
}

// PKIImported is one CA an import stored.
type PKIImported struct {
	ID           int64  `json:"-"`
	CA           string `json:"ca"`
	Certificates int    `json:"certificates"`
	Revoked      int    `json:"revoked"`
}

// ErrPasswordNeeded means the source's keys are encrypted and no password
// was given: ask for one and try again.
var ErrPasswordNeeded = pki.ErrPasswordNeeded

// ImportPKI stores every CA of a folder or bundle with what it issued,
// their keys, revocations and CRL numbers, and returns warnings. Each CA is
// one transaction.
func (e *Engine) ImportPKI(ctx context.Context, req PKIImport) ([]PKIImported, []string, error) {
	pkis, warnings, err := readPKI(req.Source, req.Password)
	if err != nil {
		return nil, nil, err
	}
	taken, err := e.caNamesTaken(ctx)
	if err != nil {
		return nil, nil, err
	}
	var done []PKIImported
	for i, p := range pkis {
		name := req.Name
		switch {
		case req.FreeNames:
			name = freeName(taken, p.CA.Subject.CommonName)
		case name == "":
			name = p.CA.Subject.CommonName
		case len(pkis) > 1:
			name = fmt.Sprintf("%s %d", req.Name, i+1)
		}
		ca, caWarnings, err := e.store.StorePKI(ctx, name, importedPKI(p))
		if err != nil {
			if errors.Is(err, ErrExists) && len(done) == 0 {
				return nil, nil, fmt.Errorf("%w (choose another CA name; a certificate already in the vault cannot be imported twice)", err)
			}
			return done, warnings, err
		}
		warnings = append(warnings, caWarnings...)
		taken[ca.Name] = true
		done = append(done, PKIImported{ID: ca.ID, CA: ca.Name, Certificates: len(p.Certs), Revoked: countRevoked(p)})
	}
	return done, warnings, nil
}

func countRevoked(p interop.PKI) int {
	n := 0
	for _, c := range p.Certs {
		if c.Revoked() {
			n++
		}
	}
	return n
}

// readPKI reads a folder or a PEM bundle.
func readPKI(src string, password []byte) ([]interop.PKI, []string, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", src, err)
	}
	if st.IsDir() {
		p, w, err := interop.ReadEasyRSA(src, password)
		return []interop.PKI{p}, w, err
	}
	data, err := input.ReadFile(src)
	if err != nil {
		return nil, nil, err
	}
	return interop.ReadPEMBundle(data, password)
}

// importedPKI is a PKI read from another tool, as the store takes it.
func importedPKI(p interop.PKI) vault.ImportedPKI {
	out := vault.ImportedPKI{CA: p.CA, CAKey: p.CAKey, Chain: p.Chain, CRLNumber: p.CRLNumber}
	for _, c := range p.Certs {
		out.Certs = append(out.Certs, vault.ImportedCert{Cert: c.Cert, Key: c.Key, RevokedAt: c.RevokedAt, Reason: c.Reason})
	}
	return out
}

func (e *Engine) caNamesTaken(ctx context.Context) (map[string]bool, error) {
	cas, err := e.store.CAs(ctx)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, ca := range cas {
		taken[ca.Name] = true
	}
	return taken, nil
}

// freeName is name, or name numbered until no CA has it.
func freeName(taken map[string]bool, name string) string {
	if strings.TrimSpace(name) == "" {
		name = "Imported CA"
	}
	candidate := name
	for n := 2; taken[candidate]; n++ {
		candidate = fmt.Sprintf("%s (%d)", name, n)
	}
	return candidate
}
