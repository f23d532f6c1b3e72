package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"certdesk/core/export"
	"certdesk/core/pki"
)

// ExportRequest says what to write: a stored certificate in one format, to
// one file. Password protects a PKCS#12 file (empty: a generated one, shown
// once) or encrypts a key; Replace allows writing over an existing regular
// file.
type ExportRequest struct {
	ID       int64
	Format   export.Format
	Preset   export.Preset
	Password string
	Path     string
	Replace  bool
}

// Exported is what an export wrote.
type Exported struct {
	Record    Record
	Path      string
	Format    export.Format
	Preset    export.Preset
	Password  string
	Generated bool // the password was generated: show it once
}

// Export writes a stored certificate as PEM, DER, its key, a curl bundle,
// its chain or PKCS#12. Formats that carry the key need the vault unlocked;
// key material is written readable by its owner only.
func (e *Engine) Export(ctx context.Context, req ExportRequest) (Exported, error) {
	rec, err := e.store.Get(ctx, req.ID)
	if err != nil {
		return Exported{}, err
	}
	if req.Format.Secret() && !rec.HasKey {
		return Exported{}, fmt.Errorf("%q: %w", rec.CommonName, export.ErrNoKey)
	}
	out := Exported{Record: rec, Path: req.Path, Format: req.Format, Preset: req.Preset, Password: req.Password}
	if req.Format == export.P12 && out.Password == "" {
		out.Password, out.Generated = export.GeneratePassword(), true
	}
	if !req.Format.TakesPassword() {
		out.Password = ""
	}
	m, err := e.material(ctx, rec.ID, req.Format.Secret())
	if err != nil {
		return Exported{}, err
	}
	data, err := export.Encode(m, req.Format, export.Options{Password: out.Password, Preset: req.Preset})
	if err != nil {
		return Exported{}, err
	}
	if err := export.WriteFile(req.Path, data, req.Format.Secret(), req.Replace); err != nil {
		return Exported{}, err
	}
	return out, nil
}

// material gathers a certificate, its chain and (when withKey) its key.
func (e *Engine) material(ctx context.Context, id int64, withKey bool) (export.Material, error) {
	var m export.Material
	var err error
	if m.Cert, err = e.store.Certificate(ctx, id); err != nil {
		return m, err
	}
	if m.Chain, err = e.store.Chain(ctx, id); err != nil {
		return m, err
	}
	if withKey {
		if m.Key, err = e.store.PrivateKey(ctx, id); err != nil {
			return m, err
		}
	}
	return m, nil
}

// WriteCRL signs the CA's next CRL, valid for validity (0: the default),
// and writes it as PEM (DER when der is set) to path; replace allows
// writing over an existing regular file.
func (e *Engine) WriteCRL(ctx context.Context, ca CA, validity time.Duration, path string, der, replace bool) (CRL, error) {
	if _, err := os.Lstat(path); err == nil && !replace {
		// Before signing, so a refused file leaves the CA's numbers as they were.
		return CRL{}, fmt.Errorf("%s: %w", path, ErrFileExists)
	}
	crl, err := e.store.SignCRL(ctx, ca, validity)
	if err != nil {
		return CRL{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	data := crl.DER
	if !der {
		data = pki.EncodeCRLPEM(crl.DER)
	}
	if err := export.WriteFile(path, data, false, replace); err != nil {
		return crl, fmt.Errorf("the CRL #%d was signed but not saved: %w", crl.Number, err)
	}
	return crl, nil
}

// ErrFileExists means the file to write is already there and may not be
// replaced.
var ErrFileExists = errors.New("already exists: choose another name, or allow replacing it")
