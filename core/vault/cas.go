package vault

import (
	"context"
	"crypto"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"certdesk/core/pki"
)

// CA is a certificate authority held in the vault.
type CA struct {
	ID            int64
	Name          string
	CertID        int64
	ChainPEM      string // issuers above an imported CA, PEM
	CRLNumber     int64  // the number of the last CRL signed, 0 if none
	CRLThisUpdate time.Time
	CRLNextUpdate time.Time
	CreatedAt     time.Time
	Cert          Record
	// Version changes with the CA's settings (its default profile), not
	// with its CRLs (versions.go).
	Version int64
}

// CanSignCRL reports whether the CA's certificate allows signing CRLs
// (KeyUsage cRLSign and a Subject Key Identifier, as Go requires).
func CanSignCRL(cert *x509.Certificate) error {
	if cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return errors.New("its certificate lacks the cRLSign key usage, so it cannot sign CRLs (mkcert and minica make such CAs); revocation still works through the fingerprint deny-list and the test server")
	}
	if len(cert.SubjectKeyId) == 0 {
		return errors.New("its certificate has no Subject Key Identifier, which a CRL's Authority Key Identifier needs")
	}
	return nil
}

// ValidateCAName checks a name given to a CA in the vault.
func ValidateCAName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("the CA needs a name")
	}
	if name != strings.TrimSpace(name) {
		return fmt.Errorf("the CA name %q starts or ends with a space", name)
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > 64 {
		return fmt.Errorf("the CA name must be valid text of at most 64 characters")
	}
	if strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) {
		return fmt.Errorf("the CA name %q holds a control character", name)
	}
	return nil
}

const caColumns = `id, name, COALESCE(cert_id, 0), chain_pem, crl_number, crl_this_update, crl_next_update, created_at, version`

func (v *Vault) scanCA(ctx context.Context, row scanner) (CA, error) {
	var ca CA
	var this, next sql.NullInt64
	var created int64
	if err := row.Scan(&ca.ID, &ca.Name, &ca.CertID, &ca.ChainPEM, &ca.CRLNumber, &this, &next, &created, &ca.Version); err != nil {
		return ca, err
	}
	if this.Valid {
		ca.CRLThisUpdate = time.Unix(this.Int64, 0).UTC()
	}
	if next.Valid {
		ca.CRLNextUpdate = time.Unix(next.Int64, 0).UTC()
	}
	ca.CreatedAt = time.Unix(created, 0).UTC()
	if _, err := v.caRow(ctx, ca.ID); err != nil {
		return ca, err
	}
	rec, err := v.Get(ctx, ca.CertID)
	if err != nil {
		return ca, fmt.Errorf("the certificate of CA %q is missing: %w", ca.Name, err)
	}
	ca.Cert = rec
	return ca, nil
}

// CAs lists the vault's CAs by name. When the vault is unlocked each CA's
// record and revocation set are checked (an *IntegrityError otherwise),
// so the trust built from this list never silently drops a revocation.
func (v *Vault) CAs(ctx context.Context) ([]CA, error) {
	ids, err := queryAll(ctx, v.db, "listing CAs", scanValue[int64], `SELECT id FROM cas ORDER BY lower(name), name`)
	if err != nil {
		return nil, err
	}
	out := make([]CA, 0, len(ids))
	for _, id := range ids {
		ca, err := v.caByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if v.macKeyOrNil() != nil {
			row, err := v.caRow(ctx, ca.ID)
			if err != nil {
				return nil, err
			}
			if _, err := v.verifiedRevocations(ctx, row); err != nil {
				return nil, err
			}
		}
		out = append(out, ca)
	}
	return out, nil
}

// CAByName returns the CA with that name.
func (v *Vault) CAByName(ctx context.Context, name string) (CA, error) {
	ca, err := v.scanCA(ctx, v.db.QueryRowContext(ctx, `SELECT `+caColumns+` FROM cas WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		names, _ := v.caNames(ctx)
		hint := "create one with `certctl ca create NAME`"
		if len(names) > 0 {
			hint = "the vault has: " + strings.Join(names, ", ")
		}
		return ca, fmt.Errorf("%w: no CA named %q; %s", ErrNotFound, name, hint)
	}
	if err != nil && !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNotFound) {
		return ca, v.readError(fmt.Sprintf("reading CA %q", name), err)
	}
	return ca, err
}

// DefaultCA returns the only CA when there is exactly one, so commands can
// leave --ca out.
func (v *Vault) DefaultCA(ctx context.Context) (CA, error) {
	names, err := v.caNames(ctx)
	if err != nil {
		return CA{}, err
	}
	switch len(names) {
	case 0:
		return CA{}, fmt.Errorf("%w: the vault has no CA yet; create one with `certctl ca create NAME`", ErrNotFound)
	case 1:
		return v.CAByName(ctx, names[0])
	}
	return CA{}, fmt.Errorf("the vault has %d CAs (%s): say which with --ca", len(names), strings.Join(names, ", "))
}

func (v *Vault) caNames(ctx context.Context) ([]string, error) {
	return queryAll(ctx, v.db, "listing CAs", scanValue[string], `SELECT name FROM cas ORDER BY name`)
}

func (v *Vault) caByID(ctx context.Context, id int64) (CA, error) {
	ca, err := v.scanCA(ctx, v.db.QueryRowContext(ctx, `SELECT `+caColumns+` FROM cas WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return ca, fmt.Errorf("%w: no CA with id %d", ErrNotFound, id)
	}
	if err != nil && !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNotFound) {
		return ca, v.readError(fmt.Sprintf("reading CA %d", id), err)
	}
	return ca, err
}

// Authority returns the CA with its certificate and unsealed key, ready to
// sign, after checking the certificate (fingerprint, MAC) and that it
// belongs to the key. The vault must be unlocked.
func (v *Vault) Authority(ctx context.Context, ca CA) (pki.Authority, error) {
	if ca.TrustOnly() {
		return pki.Authority{}, fmt.Errorf("CA %q: %w", ca.Name, ErrTrustOnly)
	}
	cert, err := v.Certificate(ctx, ca.CertID)
	if err != nil {
		return pki.Authority{}, err
	}
	key, err := v.PrivateKey(ctx, ca.CertID)
	if err != nil {
		return pki.Authority{}, fmt.Errorf("CA %q: %w", ca.Name, err)
	}
	if err := pki.KeyMatchesCertificate(key, cert); err != nil {
		return pki.Authority{}, tampered(fmt.Sprintf("the certificate of CA %q", ca.Name), "it does not match the CA's private key")
	}
	return pki.Authority{Cert: cert, Key: key}, nil
}

// CreateCA makes a new self-signed CA named name.
func (v *Vault) CreateCA(ctx context.Context, name string, req pki.CARequest) (CA, error) {
	if err := ValidateCAName(name); err != nil {
		return CA{}, err
	}
	if _, err := v.key(); err != nil {
		return CA{}, err
	}
	if req.Name.CommonName == "" {
		req.Name.CommonName = name
	}
	issued, err := pki.NewCA(req, v.now())
	if err != nil {
		return CA{}, err
	}
	return v.storeCA(ctx, name, issued.Cert, issued.Key, nil, "ca.create")
}

// ImportCA brings in an existing CA with its private key, and the chain
// above it if it is an intermediate. It returns warnings about what the CA
// cannot do (for example sign CRLs).
func (v *Vault) ImportCA(ctx context.Context, name string, cert *x509.Certificate, key crypto.Signer, chain []*x509.Certificate) (CA, []string, error) {
	warnings, err := v.checkImportedCA(name, cert, key)
	if err != nil {
		return CA{}, nil, err
	}
	var chainPEM strings.Builder
	for _, c := range chain {
		if c.Equal(cert) {
			continue
		}
		chainPEM.Write(pki.EncodeCertPEM(c))
	}
	ca, err := v.storeCA(ctx, name, cert, key, []byte(chainPEM.String()), "ca.import")
	return ca, warnings, err
}

// checkImportedCA refuses a CA that cannot issue, and warns of one that
// cannot sign CRLs or has expired.
func (v *Vault) checkImportedCA(name string, cert *x509.Certificate, key crypto.Signer) ([]string, error) {
	if err := ValidateCAName(name); err != nil {
		return nil, err
	}
	if _, err := v.key(); err != nil {
		return nil, err
	}
	if err := (pki.Authority{Cert: cert, Key: key}).CheckCanIssue(); err != nil {
		return nil, err
	}
	var warnings []string
	if err := CanSignCRL(cert); err != nil {
		warnings = append(warnings, "this CA cannot sign CRLs: "+err.Error())
	}
	if v.now().After(cert.NotAfter) {
		warnings = append(warnings, fmt.Sprintf("this CA expired on %s: certificates it signs will be refused", cert.NotAfter.UTC().Format("2006-01-02")))
	}
	return warnings, nil
}

func (v *Vault) storeCA(ctx context.Context, name string, cert *x509.Certificate, key crypto.Signer, chainPEM []byte, action string) (CA, error) {
	var caID int64
	err := v.write(ctx, func(tx *sql.Tx) error {
		var err error
		caID, err = v.insertCA(tx, name, cert, key, chainPEM, action)
		return err
	})
	if err != nil {
		return CA{}, err
	}
	return v.caByID(ctx, caID)
}

// insertCA stores a CA's row and certificate inside a transaction.
func (v *Vault) insertCA(tx *sql.Tx, name string, cert *x509.Certificate, key crypto.Signer, chainPEM []byte, action string) (int64, error) {
	return v.insertCAUnder(tx, name, cert, key, chainPEM, action, 0)
}

// insertCAUnder is insertCA for a CA whose certificate was issued by the
// vault CA issuerID (0: the CA stands for its own certificate).
func (v *Vault) insertCAUnder(tx *sql.Tx, name string, cert *x509.Certificate, key crypto.Signer, chainPEM []byte, action string, issuerID int64) (int64, error) {
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM cas WHERE name = ?`, name).Scan(&n); err != nil {
		return 0, fmt.Errorf("checking CA names: %w", err)
	}
	if n > 0 {
		return 0, fmt.Errorf("%w: a CA named %q is already in the vault; choose another name", ErrExists, name)
	}
	caID, err := v.insertID(tx, `INSERT INTO cas (name, chain_pem, created_at) VALUES (?, ?, ?)`, name, string(chainPEM), v.now().UTC().Unix())
	if err != nil {
		return 0, fmt.Errorf("storing the CA: %w", err)
	}
	owner := caID
	if issuerID != 0 {
		owner = issuerID
	}
	certID, err := v.insertCert(tx, cert, key, KindCA, owner, 0)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(`UPDATE cas SET cert_id = ? WHERE id = ?`, certID, caID); err != nil {
		return 0, fmt.Errorf("linking the CA to its certificate: %w", err)
	}
	return caID, v.audit(tx, action, caID, certID, fmt.Sprintf("CA %q, CN %q, serial %s", name, cert.Subject.CommonName, pki.SerialHex(cert.SerialNumber)))
}
