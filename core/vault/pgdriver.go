package vault

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL dialect lives in this database/sql driver, which wraps
// pgx's: the vault's queries are written once, for both backends, with ?
// placeholders and SQLite's case-insensitive LIKE; here they become $1, $2
// … and ILIKE, booleans become the integers SQLite stores, and every
// read-write transaction first takes one advisory lock, so writers queue
// as they do on SQLite's immediate transactions (the audit chain, serials
// and CRL numbers are read, then written, in the same transaction).

// pgSchema is the PostgreSQL schema that holds a vault's tables.
const pgSchema = "main"

// writeLock is the advisory lock every read-write transaction holds.
const writeLock = `SELECT pg_advisory_xact_lock(7366250140)`

// openPostgres connects to the database url names (postgres://…).
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("reading the vault address %s: %w", redactURL(url), err)
	}
	cfg.RuntimeParams["search_path"] = pgSchema
	cfg.RuntimeParams["client_min_messages"] = "warning"
	return sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)}), nil
}

// isPostgres reports whether db is a PostgreSQL vault's connection.
func isPostgres(db *sql.DB) bool {
	_, ok := db.Driver().(pgDriver)
	return ok
}

type pgConnector struct{ inner driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

func (c pgConnector) Driver() driver.Driver { return pgDriver{} }

// pgDriver marks the connections; they are made through the connector only.
type pgDriver struct{}

func (pgDriver) Open(string) (driver.Conn, error) {
	return nil, fmt.Errorf("the vault's PostgreSQL driver opens connections through its connector only")
}

type pgConn struct{ c *stdlib.Conn }

func (p *pgConn) Prepare(q string) (driver.Stmt, error) {
	return p.c.PrepareContext(context.Background(), rebind(q))
}
func (p *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return p.c.PrepareContext(ctx, rebind(q))
}
func (p *pgConn) Close() error { return p.c.Close() }
func (p *pgConn) Begin() (driver.Tx, error) {
	return p.BeginTx(context.Background(), driver.TxOptions{})
}
func (p *pgConn) Ping(ctx context.Context) error              { return p.c.Ping(ctx) }
func (p *pgConn) ResetSession(ctx context.Context) error      { return p.c.ResetSession(ctx) }
func (p *pgConn) CheckNamedValue(nv *driver.NamedValue) error { return p.c.CheckNamedValue(nv) }

func (p *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := p.c.BeginTx(ctx, opts)
	if err != nil || opts.ReadOnly {
		return tx, err
	}
	if _, err := p.c.ExecContext(ctx, writeLock, nil); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("waiting for the other admins' changes: %w", err)
	}
	return tx, nil
}

func (p *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return p.c.ExecContext(ctx, rebind(q), sqliteArgs(args))
}

func (p *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return p.c.QueryContext(ctx, rebind(q), sqliteArgs(args))
}

// sqliteArgs stores booleans as SQLite does, as 0 and 1.
func sqliteArgs(args []driver.NamedValue) []driver.NamedValue {
	for i, a := range args {
		if b, ok := a.Value.(bool); ok {
			args[i].Value = map[bool]int64{false: 0, true: 1}[b]
		}
	}
	return args
}

// rebind turns ? placeholders into $1, $2 … and LIKE into ILIKE, outside
// quoted strings, identifiers and dollar-quoted bodies.
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				return b.String() + q[i:]
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case c == '$' && strings.HasPrefix(q[i:], "$$"):
			j := strings.Index(q[i+2:], "$$")
			if j < 0 {
				return b.String() + q[i:]
			}
			b.WriteString(q[i : i+j+4])
			i += j + 3
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
		case isLike(q, i):
			b.WriteString("ILIKE")
			i += 3
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isLike reports whether the keyword LIKE starts at q[i].
func isLike(q string, i int) bool {
	if !strings.HasPrefix(q[i:], "LIKE") || i == 0 || !isSpace(q[i-1]) {
		return false
	}
	return i+4 < len(q) && isSpace(q[i+4])
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }
