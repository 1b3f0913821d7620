package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CopyStats says how many rows of each table [Copy] copied.
type CopyStats struct {
	Tables []string         // in the order copied
	Rows   map[string]int64 // by table
}

// Copy copies every row of an SQLite database into an empty PostgreSQL one:
// the move from the embedded default to a database several replicas can
// share. Both are migrated first, so they have the same schema; the copy is
// refused when the destination already holds any row, or when the two
// were migrated by different builds. It runs in one transaction on the
// destination, so a failed copy leaves it empty. IDs are kept, and each
// identity column continues after the highest copied ID.
//
// Tables and columns are read from the databases themselves, so tables
// added by later migrations are copied without changing this function.
// The source should not be written to while it runs (stop the application
// first).
func Copy(ctx context.Context, src, dst *DB) (CopyStats, error) {
	stats := CopyStats{Rows: map[string]int64{}}
	if src.dialect != SQLite || dst.dialect != Postgres {
		return stats, fmt.Errorf("store: copy: from SQLite to PostgreSQL only (got %s to %s)", src.dialect, dst.dialect)
	}
	if err := src.Migrate(ctx); err != nil {
		return stats, fmt.Errorf("store: copy: migrating the SQLite source: %w", err)
	}
	if err := dst.Migrate(ctx); err != nil {
		return stats, fmt.Errorf("store: copy: migrating the PostgreSQL destination: %w", err)
	}
	sv, err := versions(ctx, src)
	if err != nil {
		return stats, err
	}
	dv, err := versions(ctx, dst)
	if err != nil {
		return stats, err
	}
	if !slices.Equal(sv, dv) {
		return stats, fmt.Errorf("store: copy: the source has migrations %v and the destination %v; run the same build on both", sv, dv)
	}

	// Creation order is migration order, so a table comes after the
	// tables its foreign keys point to.
	tables, err := strs(ctx, src.q(), "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY rowid")
	if err != nil {
		return stats, fmt.Errorf("store: copy: listing tables: %w", err)
	}
	err = dst.inTx(ctx, func(x q) error {
		for _, t := range tables {
			var n int64
			if err := x.row(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t)).Scan(&n); err != nil {
				return fmt.Errorf("store: copy: table %s is missing in PostgreSQL: %w", t, err)
			}
			if n > 0 {
				return fmt.Errorf("store: copy: the PostgreSQL database is not empty (table %s has %d rows); copy into a new database", t, n)
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, src.q(), x, t)
			if err != nil {
				return err
			}
			stats.Tables = append(stats.Tables, t)
			stats.Rows[t] = n
		}
		return nil
	})
	if err != nil {
		return CopyStats{Rows: map[string]int64{}}, err
	}
	return stats, nil
}

func versions(ctx context.Context, db *DB) ([]string, error) {
	v, err := strs(ctx, db.q(), "SELECT CAST(version AS TEXT) FROM schema_migrations ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("store: copy: reading schema_migrations: %w", err)
	}
	return v, nil
}

func strs(ctx context.Context, x q, query string, args ...any) ([]string, error) {
	rows, err := x.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// copyTable copies one table, converting each value to the type of its
// PostgreSQL column: SQLite keeps booleans as 0 and 1 and times as text.
func copyTable(ctx context.Context, src, dst q, table string) (int64, error) {
	types := map[string]string{}
	rows, err := dst.query(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", table)
	if err != nil {
		return 0, fmt.Errorf("store: copy: columns of %s: %w", table, err)
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return 0, err
		}
		types[name] = typ
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	rows, err = src.query(ctx, "SELECT * FROM "+quoteIdent(table))
	if err != nil {
		return 0, fmt.Errorf("store: copy: reading %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		if _, ok := types[c]; !ok {
			return 0, fmt.Errorf("store: copy: column %s.%s has no counterpart in PostgreSQL", table, c)
		}
		quoted[i] = quoteIdent(c)
	}
	insert := rebind(Postgres, "INSERT INTO "+quoteIdent(table)+" ("+strings.Join(quoted, ", ")+") VALUES ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")+")")
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("store: copy: reading %s: %w", table, err)
		}
		args := make([]any, len(cols))
		for i, v := range vals {
			if args[i], err = convert(v, types[cols[i]]); err != nil {
				return n, fmt.Errorf("store: copy: %s.%s: %w", table, cols[i], err)
			}
		}
		if _, err := dst.ExecContext(ctx, insert, args...); err != nil {
			return n, fmt.Errorf("store: copy: writing %s: %w", table, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if _, ok := types["id"]; ok {
		// Without this the next insert would be given ID 1 again.
		q := "SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM " + quoteIdent(table) +
			" WHERE pg_get_serial_sequence(?, 'id') IS NOT NULL"
		if _, err := dst.exec(ctx, q, table, table); err != nil {
			return n, fmt.Errorf("store: copy: resetting the IDs of %s: %w", table, err)
		}
	}
	return n, nil
}

// convert turns an SQLite value into one for a PostgreSQL column of type typ.
func convert(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "boolean":
		switch b := v.(type) {
		case int64:
			return b != 0, nil
		case bool:
			return b, nil
		}
		return nil, fmt.Errorf("%T is not a boolean", v)
	case "timestamp with time zone", "timestamp without time zone":
		t, err := parseTime(v)
		if err != nil {
			return nil, err
		}
		return *t, nil
	case "bytea":
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
		return nil, fmt.Errorf("%T is not bytes", v)
	case "text", "character varying":
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
		return fmt.Sprint(v), nil
	case "bigint", "integer", "smallint":
		if i, ok := v.(int64); ok {
			return i, nil
		}
		return nil, fmt.Errorf("%T is not an integer", v)
	}
	return nil, errors.New("the PostgreSQL type " + typ + " is not handled; extend store.convert")
}

// quoteIdent quotes a table or column name; the names come from the
// databases' own catalogues, but quoting costs nothing.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
