package engine

import (
	"context"
	"crypto"
	"crypto/x509"
	"time"

	"certdesk/core/certinfo"
	"certdesk/core/onboard"
	"certdesk/core/pki"
	"certdesk/core/vault"
)

// Store is the vault as the engine uses it: storing, sealing, querying,
// auditing and the revocation snapshot, and nothing else. core/vault's
// SQLite file implements it; a second backend (a team vault on a database
// server) implements the same methods. Every write is one transaction
// inside the store: the engine reads, decides, then makes one call.
type Store interface {
	storeReads
	storeKeys
	storeWrites
	storeRevocations
	storeHierarchy
	onboard.Store

	Check(ctx context.Context) error
	CheckAll(ctx context.Context, opts vault.CheckOptions) (vault.CheckReport, error)
	VerifyAudit(ctx context.Context) (vault.AuditChain, error)
	Assurance() vault.Assurance
	Warnings() []string
	ChangePassphrase(ctx context.Context, newPassphrase []byte) error
	Rekey(ctx context.Context, passphrase []byte) (int, error)
	Backup(ctx context.Context, path string) error
	Path() string
	Insecure() bool
	Unlock(passphrase []byte) error
	Unlocked() bool
	Lock()
	Close() error
	SetClock(now func() time.Time)
	SetActor(actor string)
}

// storeReads find and list what the vault holds; they need no passphrase.
type storeReads interface {
	Get(ctx context.Context, id int64) (Record, error)
	Find(ctx context.Context, ref string) (Record, error)
	List(ctx context.Context, f Filter) ([]Record, error)
	Count(ctx context.Context, f Filter) (int, error)
	CountByStatus(ctx context.Context, caID int64) (map[certinfo.Status]int, error)
	CAs(ctx context.Context) ([]CA, error)
	CAByName(ctx context.Context, name string) (CA, error)
	DefaultCA(ctx context.Context) (CA, error)
	Certificate(ctx context.Context, id int64) (*x509.Certificate, error)
	Chain(ctx context.Context, id int64) ([]*x509.Certificate, error)
	Audit(ctx context.Context, certID int64, limit int) ([]AuditEntry, error)
	RevokedBy(ctx context.Context, id int64) (string, error)
	Denials(ctx context.Context) ([]Denial, error)
}

// storeKeys unseal keys; the vault must be unlocked.
type storeKeys interface {
	PrivateKey(ctx context.Context, id int64) (crypto.Signer, error)
	Authority(ctx context.Context, ca CA) (pki.Authority, error)
}

// storeWrites change the vault, each in one transaction. An edit of a
// row takes the version its caller saw (0: the current state will do).
type storeWrites interface {
	CreateCA(ctx context.Context, name string, req pki.CARequest) (CA, error)
	ImportCA(ctx context.Context, name string, cert *x509.Certificate, key crypto.Signer, chain []*x509.Certificate) (CA, []string, error)
	TrustCA(ctx context.Context, name string, cert *x509.Certificate, chain []*x509.Certificate) (CA, error)
	StorePKI(ctx context.Context, name string, p vault.ImportedPKI) (CA, []string, error)
	IssuePerson(ctx context.Context, ca CA, req pki.PersonRequest) (Record, error)
	IssueServer(ctx context.Context, ca CA, req pki.ServerRequest) (Record, error)
	SignCSR(ctx context.Context, ca CA, csr *x509.CertificateRequest, profile pki.CSRProfile, validity pki.Validity) (Record, error)
	RenewIfUnchanged(ctx context.Context, id int64, opts RenewOptions, seen int64) (Record, error)
	RevokeIfUnchanged(ctx context.Context, id int64, reason int, seen int64) (Record, error)
	RevokeMany(ctx context.Context, ids []int64, reason int) (int, error)
	RevokeManyIfUnchanged(ctx context.Context, recs []Record, reason int) (int, error)
	UnrevokeIfUnchanged(ctx context.Context, id int64, seen int64) (Record, error)
	DenyFingerprint(ctx context.Context, fingerprint string, reason int, note string) (Denial, error)
	AllowFingerprintIfUnchanged(ctx context.Context, fingerprint string, seen int64) error
	SignCRL(ctx context.Context, ca CA, validity time.Duration) (CRL, error)
}

// storeHierarchy keeps CAs under CAs, CAs waiting for a certificate from a
// root the vault does not hold, and issuance profiles.
type storeHierarchy interface {
	DefaultProfile(ctx context.Context, ca CA) (pki.Profile, bool, error)
	Profile(ctx context.Context, name string) (pki.Profile, error)
	RemoveProfileIfUnchanged(ctx context.Context, name string, seen int64) error
	SetDefaultProfileIfUnchanged(ctx context.Context, ca CA, name string, seen int64) error
	CreateIntermediate(ctx context.Context, name string, parent CA, req pki.CARequest) (CA, error)
	CreatePendingCA(ctx context.Context, name string, req pki.CARequest) (vault.PendingCA, error)
	InstallCACert(ctx context.Context, name string, cert *x509.Certificate, issuers []*x509.Certificate) (CA, []string, error)
	ParentOf(ctx context.Context, ca CA) (CA, bool, error)
	PendingCAs(ctx context.Context) ([]vault.PendingCA, error)
	ProfileRows(ctx context.Context) ([]vault.ProfileRow, error)
	SaveProfileIfUnchanged(ctx context.Context, p pki.Profile, replace bool, seen int64) error
	SignIntermediate(ctx context.Context, ca CA, csr *x509.CertificateRequest, req pki.CARequest) (Record, error)
}

// storeRevocations are the snapshot a server judges by, and the changes
// to it since an audit entry.
type storeRevocations interface {
	Snapshot(ctx context.Context) (vault.Snapshot, error)
	LastChange(ctx context.Context) (int64, error)
	RevocationChangesSince(ctx context.Context, after, upto int64) (vault.RevocationChanges, bool, error)
}

var _ Store = (*vault.Vault)(nil)
