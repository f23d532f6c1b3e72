package vault

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"database/sql"

	"certdesk/core/pgtest"
)

// The vault's tests run on SQLite; with CERTDESK_TEST_BACKEND=postgres the
// ones that make their vault through testVaultPath run on PostgreSQL.

var (
	pgOnce   sync.Once
	pgServer *pgtest.Server
	pgErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if pgServer != nil {
		pgServer.Stop()
	}
	os.Exit(code)
}

// sharedPG is one server for the package's tests, stopped by TestMain.
func sharedPG(t testing.TB) *pgtest.Server {
	t.Helper()
	pgOnce.Do(func() { pgServer, pgErr = pgtest.New() })
	pgtest.Require(t, pgErr)
	return pgServer
}

// newPGVaultURL is a new, empty database for a vault.
func newPGVaultURL(t testing.TB) string {
	return sharedPG(t).NewDatabase(t, "")
}

// testVaultPath is where a test makes its vault: a file, or a database.
func testVaultPath(t testing.TB, name string) string {
	if os.Getenv("CERTDESK_TEST_BACKEND") == "postgres" {
		return newPGVaultURL(t)
	}
	return filepath.Join(t.TempDir(), "sub", name)
}

// rawPG is a connection that changes a team vault's rows with plain SQL,
// as someone who knows how the triggers record changes would: it makes
// their temporary tables first, so only the MACs can catch the change.
func rawPG(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := openPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, q := range trackSetup(true) {
		mustExec(t, db, q)
	}
	return db
}
