package onboard

import (
	"context"
	"crypto"
	"crypto/x509"
	"time"

	"certdesk/core/pki"
	"certdesk/core/vault"
)

// Store is what onboarding needs of a vault: to issue many people in one
// transaction, read what was issued, and track which PKCS#12 files were
// delivered.
type Store interface {
	IssuePeople(ctx context.Context, ca vault.CA, reqs []pki.PersonRequest, progress func(done, total int)) ([]vault.BulkRow, error)
	List(ctx context.Context, f vault.Filter) ([]vault.Record, error)
	Certificate(ctx context.Context, id int64) (*x509.Certificate, error)
	PrivateKey(ctx context.Context, id int64) (crypto.Signer, error)
	Undelivered(ctx context.Context, caID int64) (map[int64]bool, error)
	MarkDelivered(ctx context.Context, caID int64, ids []int64, dest string) error
	CurrentTime() time.Time
}
