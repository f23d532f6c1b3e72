package vault

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Moving a vault between backends: every row of every table is copied
// verbatim (ids, MACs and audit links included, so the copy checks under
// the same vault key) into a new vault in one transaction, then both are
// read back and compared record by record. A copy into PostgreSQL that is
// interrupted rolls back; a copy into a file is written beside it and
// renamed only when complete.

// CopyReport says what was copied.
type CopyReport struct {
	Target string         `json:"target"`
	Rows   map[string]int `json:"rows"` // per table, each compared with its source
}

// keyMeta are the settings that belong to one backend's key handling and
// are written anew on the target, never copied.
var keyMeta = map[string]bool{"vault_key": true, "vault_key_check": true, "team_schema": true, "team_slot": true,
	"kdf": true, "kdf_log_n": true, "kdf_r": true, "kdf_p": true, "kdf_salt": true}

// CopyTo copies the whole vault to target (a new file, or an empty
// PostgreSQL database) and compares every record. The vault must be
// unlocked and pass its checks. passphrase protects the copy: the vault
// key is wrapped under it in a file, and in a database it opens the slot
// of the connected role, which becomes the copy's first owner.
func (v *Vault) CopyTo(ctx context.Context, target string, passphrase []byte) (CopyReport, error) {
	if _, err := v.key(); err != nil {
		return CopyReport{}, err
	}
	if err := v.verifyAllBeforeRekey(ctx); err != nil {
		return CopyReport{}, err
	}
	if !v.insecure {
		if err := CheckPassphrase(passphrase); err != nil {
			return CopyReport{}, err
		}
	}
	if IsURL(target) {
		return v.copyToServer(ctx, target, passphrase)
	}
	m, err := v.fileKeyMeta(passphrase)
	if err != nil {
		return CopyReport{}, err
	}
	return v.copyToFile(ctx, target, m)
}

func (v *Vault) copyToServer(ctx context.Context, url string, passphrase []byte) (CopyReport, error) {
	t, err := connectServer(url)
	if err != nil {
		return CopyReport{}, err
	}
	defer t.db.Close()
	if n, err := schemaVersion(ctx, t.db); err != nil || n > 0 {
		return CopyReport{}, fmt.Errorf("%w: %s already holds a vault (or cannot be read: %v); copy into an empty database", ErrExists, t.path, err)
	}
	keys, err := newSlotKeys(passphrase, v.insecure)
	if err != nil {
		return CopyReport{}, err
	}
	t.insecure = v.insecure
	vk, err := v.key()
	if err != nil {
		return CopyReport{}, err
	}
	if err := t.setKeys(append([]byte(nil), vk...)); err != nil {
		return CopyReport{}, err
	}
	err = v.copyInto(ctx, t, func(tx *sql.Tx) error {
		if err := installTeam(ctx, tx); err != nil {
			return err
		}
		var me string
		if err := tx.QueryRowContext(ctx, `SELECT current_user`).Scan(&me); err != nil {
			return err
		}
		return t.insertAdmin(ctx, tx, me, RoleOwner, keys)
	})
	if err != nil {
		return CopyReport{}, err
	}
	return v.compareWith(ctx, t)
}

// copyToFile copies the vault into a new file whose key settings are m.
func (v *Vault) copyToFile(ctx context.Context, path string, m map[string]string) (CopyReport, error) {
	if _, err := os.Lstat(path); err == nil {
		return CopyReport{}, fmt.Errorf("%w: %s already exists: choose another path", ErrExists, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return CopyReport{}, fmt.Errorf("creating the vault folder: %w", err)
	}
	partial := path + ".partial"
	os.Remove(partial)
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return CopyReport{}, fmt.Errorf("creating %s: %w", partial, err)
	}
	f.Close()
	defer os.Remove(partial)
	t, err := openDB(partial)
	if err != nil {
		return CopyReport{}, err
	}
	defer t.db.Close()
	err = v.copyInto(ctx, t, func(tx *sql.Tx) error {
		for k, val := range m {
			if err := setMeta(tx, k, val); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return CopyReport{}, err
	}
	rep, err := v.compareWith(ctx, t)
	if err != nil {
		return rep, err
	}
	t.db.Close()
	if err := os.Rename(partial, path); err != nil {
		return CopyReport{}, fmt.Errorf("moving the finished copy into place: %w", err)
	}
	rep.Target = path
	return rep, nil
}

// fileKeyMeta wraps the vault key under passphrase, for a vault file.
func (v *Vault) fileKeyMeta(passphrase []byte) (map[string]string, error) {
	vk, err := v.key()
	if err != nil {
		return nil, err
	}
	params, kek, err := newKEK(passphrase, v.insecure)
	if err != nil {
		return nil, err
	}
	return wrappedKeyMeta(params, kek, vk)
}

// copyInto creates the schema in t and copies every table, then runs
// keys (the target's key handling), all in one transaction.
func (v *Vault) copyInto(ctx context.Context, t *Vault, keys func(tx *sql.Tx) error) error {
	tables, err := vaultTables(ctx, v.db)
	if err != nil {
		return err
	}
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting the copy: %w", err)
	}
	defer tx.Rollback()
	if err := createSchema(ctx, tx, t.db); err != nil {
		return err
	}
	if err := trackChanges(tx, t.onServer()); err != nil {
		return err
	}
	for _, table := range tables {
		if err := copyTable(ctx, v.db, tx, table, t.onServer()); err != nil {
			return err
		}
	}
	if err := keys(tx); err != nil {
		return err
	}
	if err := hit("copy"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing the copy: %w", err)
	}
	return nil
}

// createSchema makes the whole current schema inside tx.
func createSchema(ctx context.Context, tx *sql.Tx, db *sql.DB) error {
	for step := range SchemaVersion {
		if _, err := tx.ExecContext(ctx, schemaDDL(db, step)); err != nil {
			return fmt.Errorf("creating schema %d in the copy: %w", step+1, err)
		}
	}
	if isPostgres(db) {
		if _, err := tx.ExecContext(ctx, pgTriggerDDL()); err != nil {
			return fmt.Errorf("installing the integrity triggers: %w", err)
		}
	}
	return nil
}

// vaultTables lists the shared schema's tables (not a team's admins).
func vaultTables(ctx context.Context, db *sql.DB) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`
	if isPostgres(db) {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = '` + pgSchema + `' AND table_name <> 'admins' ORDER BY table_name`
	}
	return queryAll(ctx, db, "listing the vault's tables", scanValue[string], q)
}

// copyTable copies every row of table, keeping its ids; on PostgreSQL the
// identity counter then continues after the highest id.
func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, table string, toServer bool) error {
	cols, rows, err := readTable(ctx, src, table)
	if err != nil {
		return err
	}
	insert := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, joinCols(cols), placeholders(len(cols)))
	for _, r := range rows {
		if table == "meta" && keyMeta[fmt.Sprint(r[0])] {
			continue
		}
		if _, err := tx.ExecContext(ctx, insert, r...); err != nil {
			return fmt.Errorf("copying %s: %w", table, err)
		}
	}
	if toServer && len(cols) > 0 && cols[0] == "id" {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s.%[2]s', 'id'), COALESCE(max(id), 0) + 1, false) FROM %[2]s`, pgSchema, table)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("moving the id counter of %s: %w", table, err)
		}
	}
	return nil
}

// readTable reads a whole table: its column names and rows.
func readTable(ctx context.Context, db *sql.DB, table string) ([]string, [][]any, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1")
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]any
	for rows.Next() {
		r := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", table, err)
		}
		out = append(out, r)
	}
	return cols, out, rows.Err()
}

// compareWith reads every table of v and t back and compares them.
func (v *Vault) compareWith(ctx context.Context, t *Vault) (CopyReport, error) {
	tables, err := vaultTables(ctx, v.db)
	if err != nil {
		return CopyReport{}, err
	}
	rep := CopyReport{Target: t.path, Rows: map[string]int{}}
	for _, table := range tables {
		a, err := tableRows(ctx, v.db, table)
		if err != nil {
			return rep, err
		}
		b, err := tableRows(ctx, t.db, table)
		if err != nil {
			return rep, err
		}
		if len(a) != len(b) {
			return rep, fmt.Errorf("the copy of %s has %d rows, the vault %d", table, len(b), len(a))
		}
		for k, row := range a {
			if b[k] != row {
				return rep, fmt.Errorf("the copy of %s differs from the vault in row %s", table, k)
			}
		}
		rep.Rows[table] = len(a)
	}
	return rep, nil
}

// tableRows is a table as text, keyed by its first column, without the
// key settings that each backend writes for itself.
func tableRows(ctx context.Context, db *sql.DB, table string) (map[string]string, error) {
	_, rows, err := readTable(ctx, db, table)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range rows {
		k := canonical(r[0])
		if table == "meta" && keyMeta[fmt.Sprint(r[0])] {
			continue
		}
		s := ""
		for _, x := range r {
			s += strconv.Quote(canonical(x)) + ","
		}
		out[k] = s
	}
	return out, nil
}

// canonical spells a value the same whichever backend read it.
func canonical(x any) string {
	switch x := x.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("%x", x)
	case string:
		return fmt.Sprintf("%x", x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(x)
}

func joinCols(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

func placeholders(n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ", "
		}
		s += "?"
	}
	return s
}
