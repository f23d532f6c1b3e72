package vault

import (
	"context"
	"crypto"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/pki"
)

// insertCert stores a certificate, sealing its key when there is one, and
// returns its id.
func (v *Vault) insertCert(tx *sql.Tx, cert *x509.Certificate, key crypto.Signer, kind Kind, caID, renewedFrom int64) (int64, error) {
	r := recordFromCert(cert, kind)
	var sealed []byte
	if key != nil {
		vk, err := v.key()
		if err != nil {
			return 0, err
		}
		if err := pki.KeyMatchesCertificate(key, cert); err != nil {
			return 0, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return 0, fmt.Errorf("encoding the private key: %w", err)
		}
		sealed, err = seal(vk, der, keyAADPrefix+r.FingerprintSHA256)
		clear(der)
		if err != nil {
			return 0, err
		}
	}
	id, err := v.insertID(tx, `INSERT INTO certs (ca_id, kind, common_name, organization, emails, dns_names, ip_addresses,
		subject, issuer, issuer_common_name, serial, not_before, not_after, key_type, fingerprint_sha256,
		fingerprint_sha1, is_ca, has_key, created_at, renewed_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(caID), string(kind), r.CommonName, r.Organization, joinList(r.Emails), joinList(r.DNSNames),
		joinList(r.IPAddresses), r.Subject, r.Issuer, r.IssuerCommonName, r.Serial,
		r.NotBefore.Unix(), r.NotAfter.Unix(), r.KeyType, r.FingerprintSHA256, r.FingerprintSHA1,
		r.IsCA, sealed != nil, v.now().UTC().Unix(), nullID(renewedFrom))
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("%w: the vault already holds this certificate (serial %s, SHA-256 %s)", ErrExists, r.Serial, r.FingerprintSHA256)
		}
		return 0, fmt.Errorf("storing the certificate: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO cert_blobs (cert_id, der, key_sealed) VALUES (?, ?, ?)`, id, cert.Raw, sealed); err != nil {
		return 0, fmt.Errorf("storing the certificate: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO cert_search (cert_id, text) VALUES (?, ?)`, id, r.searchText()); err != nil {
		return 0, fmt.Errorf("storing the certificate: %w", err)
	}
	return id, nil
}

// Get returns the record with the given id.
func (v *Vault) Get(ctx context.Context, id int64) (Record, error) {
	r, err := scanRecord(v.db.QueryRowContext(ctx, `SELECT `+recordColumns+recordFrom+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: no certificate with id %d", ErrNotFound, id)
	}
	if err != nil {
		return r, v.readError(fmt.Sprintf("reading certificate %d", id), err)
	}
	return r, nil
}

// Certificate returns the parsed certificate with the given id, checked
// against its stored SHA-256 fingerprint and, when the vault is unlocked,
// its MAC (an *IntegrityError otherwise; see Assurance).
func (v *Vault) Certificate(ctx context.Context, id int64) (*x509.Certificate, error) {
	der, f, err := v.certWithFields(ctx, id)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, tampered(f.name(), "it does not parse: %v", err)
	}
	return cert, nil
}

// PrivateKey unseals the private key of certificate id. The vault must be unlocked.
func (v *Vault) PrivateKey(ctx context.Context, id int64) (crypto.Signer, error) {
	vk, err := v.key()
	if err != nil {
		return nil, err
	}
	var sealed []byte
	var fp string
	err = v.db.QueryRowContext(ctx, `SELECT b.key_sealed, c.fingerprint_sha256 FROM certs c JOIN cert_blobs b ON b.cert_id = c.id WHERE c.id = ?`, id).Scan(&sealed, &fp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: no certificate with id %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, v.readError(fmt.Sprintf("reading the key of certificate %d", id), err)
	}
	if sealed == nil {
		return nil, fmt.Errorf("the vault holds no private key for certificate %d (it was signed from a CSR or imported without its key)", id)
	}
	der, err := open(vk, sealed, keyAADPrefix+fp)
	if err != nil { // perhaps re-sealed by another admin's rotation
		moved, merr := v.keyMoved(ctx, vk)
		if merr != nil {
			return nil, merr
		}
		if moved {
			vk, _ = v.key()
			der, err = open(vk, sealed, keyAADPrefix+fp)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the private key of certificate %d does not decrypt: the vault is damaged", id)
	}
	defer clear(der)
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("the private key of certificate %d is damaged: %w", id, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("the private key of certificate %d cannot sign", id)
	}
	return signer, nil
}

// Chain returns the issuers of certificate id held in the vault, nearest
// first: its CA's certificate and whatever chain was imported with that CA.
// A CA's own certificate has its imported chain as issuers.
func (v *Vault) Chain(ctx context.Context, id int64) ([]*x509.Certificate, error) {
	rec, err := v.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec.CAID == 0 {
		return nil, nil
	}
	ca, err := v.caByID(ctx, rec.CAID)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	if ca.CertID != id {
		caCert, err := v.Certificate(ctx, ca.CertID)
		if err != nil {
			return nil, err
		}
		chain = append(chain, caCert)
	}
	if ca.ChainPEM != "" {
		extra, err := pki.ParseCertificates([]byte(ca.ChainPEM))
		if err != nil {
			return nil, fmt.Errorf("the stored chain of CA %q is damaged: %w", ca.Name, err)
		}
		chain = append(chain, extra...)
	}
	return chain, nil
}

// Filter narrows a list of certificates.
type Filter struct {
	CAID   int64           // 0: every CA
	Status certinfo.Status // "": any
	Kind   Kind            // "": any
	Search string          // case-insensitive text in names, e-mails, serial, fingerprint
	// ExpiringWithin widens "expiring" to this window (default 30 days).
	ExpiringWithin time.Duration
	Sort           SortKey
	Descending     bool
	Limit          int // 0: no limit
	Offset         int
}

// SortKey names a column to sort by.
type SortKey string

// Sortable columns.
const (
	SortID         SortKey = "id"
	SortCommonName SortKey = "common_name"
	SortNotAfter   SortKey = "not_after"
	SortCreated    SortKey = "created_at"
	SortKeyType    SortKey = "key_type"
	SortSerial     SortKey = "serial"
	SortStatus     SortKey = "status"
)

var sortColumns = map[SortKey]string{
	SortID: "c.id", SortCommonName: "lower(c.common_name)", SortNotAfter: "c.not_after",
	SortCreated: "c.created_at", SortKeyType: "c.key_type", SortSerial: "c.serial",
	SortStatus: "(c.revoked_at IS NOT NULL), c.not_after",
}

func (f Filter) where(now time.Time) (string, []any, error) {
	var conds []string
	var args []any
	if f.CAID != 0 {
		conds = append(conds, "c.ca_id = ?")
		args = append(args, f.CAID)
	}
	if f.Kind != "" {
		conds = append(conds, "c.kind = ?")
		args = append(args, string(f.Kind))
	}
	if s := strings.ToLower(strings.TrimSpace(f.Search)); s != "" {
		conds = append(conds, `c.id IN (SELECT cert_id FROM cert_search WHERE text LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(s)+"%")
	}
	if f.Status != "" {
		window := f.ExpiringWithin
		if window <= 0 {
			window = certinfo.ExpiringWindow
		}
		cond, condArgs, err := statusSQL(f.Status, "c.", now, window)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, cond), append(args, condArgs...)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// List returns the certificates that pass the filter.
func (v *Vault) List(ctx context.Context, f Filter) ([]Record, error) {
	where, args, err := f.where(v.now())
	if err != nil {
		return nil, err
	}
	order, ok := sortColumns[f.Sort]
	if !ok {
		if f.Sort != "" {
			return nil, fmt.Errorf("cannot sort by %q", f.Sort)
		}
		order = sortColumns[SortID]
	}
	if f.Descending {
		order = strings.ReplaceAll(order, ",", " DESC,") + " DESC"
	}
	q := `SELECT ` + recordColumns + recordFrom + where + ` ORDER BY ` + order + `, c.id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return queryAll(ctx, v.db, "listing certificates", scanRecord, q, args...)
}

// Count returns how many certificates pass the filter.
func (v *Vault) Count(ctx context.Context, f Filter) (int, error) {
	where, args, err := f.where(v.now())
	if err != nil {
		return 0, err
	}
	var n int
	if err := v.db.QueryRowContext(ctx, `SELECT count(*)`+recordFrom+where, args...).Scan(&n); err != nil {
		return 0, v.readError("counting certificates", err)
	}
	return n, nil
}

// CountByStatus counts the certificates of one CA (0: all) in each status,
// in one pass over the table.
func (v *Vault) CountByStatus(ctx context.Context, caID int64) (map[certinfo.Status]int, error) {
	now := v.now()
	var sums []string
	var args []any
	for _, st := range certinfo.Statuses {
		cond, condArgs, err := statusSQL(st, "", now, certinfo.ExpiringWindow)
		if err != nil {
			return nil, err
		}
		sums = append(sums, "COALESCE(sum(CASE WHEN "+cond+" THEN 1 ELSE 0 END), 0)")
		args = append(args, condArgs...)
	}
	q := `SELECT ` + strings.Join(sums, ", ") + ` FROM certs`
	if caID != 0 {
		q += ` WHERE ca_id = ?`
		args = append(args, caID)
	}
	counts := make([]int, len(certinfo.Statuses))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := v.db.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return nil, v.readError("counting certificates", err)
	}
	out := map[certinfo.Status]int{}
	for i, st := range certinfo.Statuses {
		out[st] = counts[i]
	}
	return out, nil
}

// Find resolves a REF as certctl takes it: a CA's name (its own
// certificate), a numeric id, a serial in hex, a SHA-256 fingerprint in any
// common form or a unique prefix of one, or a unique common name.
func (v *Vault) Find(ctx context.Context, ref string) (Record, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Record{}, errors.New("no certificate named: give an id, serial, fingerprint or name")
	}
	type try struct {
		what  string
		where string
		arg   any
	}
	var tries []try
	tries = append(tries, try{"CA name", "c.id = (SELECT cert_id FROM cas WHERE name = ?)", ref})
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		tries = append(tries, try{"id", "c.id = ?", id})
	}
	if h, err := pki.NormalizeHex(ref); err == nil {
		serial := strings.TrimLeft(h, "0")
		if len(serial)%2 == 1 {
			serial = "0" + serial
		}
		tries = append(tries, try{"serial", "c.serial = ?", serial})
		switch {
		case len(h) == 64:
			tries = append(tries, try{"fingerprint", "c.fingerprint_sha256 = ?", pki.HexToColon(h)})
		case len(h) >= 6 && len(h) < 64:
			tries = append(tries, try{"fingerprint prefix", "c.fingerprint_sha256 LIKE ?", pki.HexToColon(h) + "%"})
		}
	}
	tries = append(tries, try{"common name", "c.common_name = ?", ref})
	tries = append(tries, try{"common name", "lower(c.common_name) = lower(?)", ref})
	for _, t := range tries {
		recs, err := v.query(ctx, t.where+" LIMIT 11", t.arg)
		if err != nil {
			return Record{}, err
		}
		switch len(recs) {
		case 0:
			continue
		case 1:
			return recs[0], nil
		default:
			var names []string
			for _, r := range recs[:min(len(recs), 10)] {
				names = append(names, fmt.Sprintf("id %d %q (serial %s)", r.ID, r.CommonName, r.Serial))
			}
			return Record{}, fmt.Errorf("%w: %q matches %d certificates by %s: %s; use an id or a longer fingerprint", ErrAmbiguous, ref, len(recs), t.what, strings.Join(names, "; "))
		}
	}
	return Record{}, fmt.Errorf("%w: no certificate matches %q (tried CA name, id, serial, fingerprint and common name)", ErrNotFound, ref)
}

func (v *Vault) query(ctx context.Context, where string, args ...any) ([]Record, error) {
	return queryAll(ctx, v.db, "looking up certificates", scanRecord, `SELECT `+recordColumns+recordFrom+` WHERE `+where, args...)
}
