package vault

import (
	"context"
	"errors"
	"fmt"
)

// queryAll runs a query and scans every row it returns with scan; what
// names the read in its errors (SQLite's "corrupt" becomes ErrDamaged).
func queryAll[T any](ctx context.Context, q queryer, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, readError(what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, readError(what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, readError(what, err)
	}
	return out, nil
}

// scanValue scans a row of one column.
func scanValue[T any](s scanner) (T, error) {
	var v T
	err := s.Scan(&v)
	return v, err
}

// scanFields scans a row into a record type that lists its own scan
// targets (certFields, caFields, auditFields).
func scanFields[T any, P interface {
	*T
	targets() []any
}](s scanner) (T, error) {
	var f T
	err := s.Scan(P(&f).targets()...)
	return f, err
}

// readError marks SQLite's "corrupt" as ErrDamaged.
func readError(what string, err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	if isCorrupt(err) {
		return fmt.Errorf("%s: %w: %v; run `certctl check`, then restore a backup", what, ErrDamaged, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
