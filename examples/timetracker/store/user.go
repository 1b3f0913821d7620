package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// firstUserLockKey serialises CreateUser on PostgreSQL so that two sign-ups
// racing on an empty database cannot both become admin.
const firstUserLockKey = 7_514_082_392

// NormalizeEmail is how emails are stored and looked up: trimmed and
// lower-cased, so that "Ann@Example.com " and "ann@example.com" are one
// account.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

func cleanEmail(email string) (string, error) {
	e := NormalizeEmail(email)
	if e == "" {
		return "", domain.FieldError("email", "is required")
	}
	if len(e) > 254 || !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n") || domain.CheckText("email", e) != nil {
		return "", domain.FieldError("email", "is not a valid email address")
	}
	return e, nil
}

const userColumns = "id, email, name, role, password_hash, analytics_opt_out, created_at, updated_at, last_active_at, deactivated_at, hourly_rate, time_zone"

func scanUser(row interface{ Scan(...any) error }) (*domain.User, error) {
	var u domain.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.AnalyticsOptOut,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt}, nullTimeCol{&u.LastActiveAt}, nullTimeCol{&u.DeactivatedAt}, rateCol{&u.HourlyRate}, &u.TimeZone)
	if err != nil {
		return nil, err
	}
	u.Role = domain.Role(role)
	return &u, nil
}

// CreateUser stores u and sets its ID, role and stamps. The email is
// stored normalised; a taken email is ECONFLICT on field email. The first
// user of the database becomes an admin, decided by the same statement that
// inserts it; later users get u.Role if it is admin, else user.
func (db *DB) CreateUser(ctx context.Context, u *domain.User) error {
	email, err := cleanEmail(u.Email)
	if err != nil {
		return err
	}
	name, err := domain.CleanOptionalName("name", u.Name)
	if err != nil {
		return err
	}
	role := domain.RoleUser
	if u.Role == domain.RoleAdmin {
		role = domain.RoleAdmin
	}
	now := norm(db.now())
	out := *u
	err = db.inTx(ctx, func(x q) error {
		if x.dialect == Postgres {
			// Held until the transaction ends. SQLite needs no lock: its
			// transactions already run one at a time.
			if _, err := x.exec(ctx, "SELECT pg_advisory_xact_lock(?)", firstUserLockKey); err != nil {
				return err
			}
		}
		row := x.row(ctx, `INSERT INTO users (email, name, role, password_hash, analytics_opt_out, created_at, updated_at)
			VALUES (?, ?, CASE WHEN EXISTS (SELECT 1 FROM users) THEN ? ELSE 'admin' END, ?, ?, ?, ?)
			RETURNING id, role`,
			email, name, string(role), u.PasswordHash, u.AnalyticsOptOut, x.ts(now), x.ts(now))
		var r string
		if err := row.Scan(&out.ID, &r); err != nil {
			return err
		}
		out.Role = domain.Role(r)
		return nil
	})
	if err != nil {
		return mapErr(err, "create user", "")
	}
	out.Email, out.Name, out.CreatedAt, out.UpdatedAt = email, name, now, now
	*u = out
	return nil
}

// FindUserByID returns the user with the given ID, or ENOTFOUND.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	u, err := scanUser(db.q().row(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("store: find user: %w", err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the given email, compared after
// normalising it, or ENOTFOUND.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	if domain.CheckText("email", email) != nil {
		return nil, notFound("user") // no stored email holds such text
	}
	u, err := scanUser(db.q().row(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", NormalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("store: find user: %w", err)
	}
	return u, nil
}

// UpdateUser changes the fields of upd that are set and returns the user
// as stored. A taken email is ECONFLICT on field email.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd domain.UserUpdate) (*domain.User, error) {
	var (
		sets []string
		args []any
	)
	if upd.Email != nil {
		email, err := cleanEmail(*upd.Email)
		if err != nil {
			return nil, err
		}
		sets, args = append(sets, "email = ?"), append(args, email)
	}
	if upd.Name != nil {
		name, err := domain.CleanOptionalName("name", *upd.Name)
		if err != nil {
			return nil, err
		}
		sets, args = append(sets, "name = ?"), append(args, name)
	}
	if upd.PasswordHash != nil {
		if *upd.PasswordHash == "" {
			return nil, domain.FieldError("password", "is required")
		}
		sets, args = append(sets, "password_hash = ?"), append(args, *upd.PasswordHash)
	}
	if upd.AnalyticsOptOut != nil {
		sets, args = append(sets, "analytics_opt_out = ?"), append(args, *upd.AnalyticsOptOut)
	}
	if upd.SetHourlyRate {
		if err := checkRate(upd.HourlyRate, "hourly_rate"); err != nil {
			return nil, err
		}
		sets, args = append(sets, "hourly_rate = ?"), append(args, rateArg(upd.HourlyRate))
	}
	if upd.TimeZone != nil {
		tz, err := domain.CheckZone("time_zone", *upd.TimeZone)
		if err != nil {
			return nil, err
		}
		sets, args = append(sets, "time_zone = ?"), append(args, tz)
	}
	x := db.q()
	if len(sets) == 0 {
		return db.FindUserByID(ctx, id)
	}
	sets, args = append(sets, "updated_at = ?"), append(args, x.ts(norm(db.now())))
	args = append(args, id)
	u, err := scanUser(x.row(ctx, "UPDATE users SET "+strings.Join(sets, ", ")+" WHERE id = ? RETURNING "+userColumns, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	} else if err != nil {
		return nil, mapErr(err, "update user", "")
	}
	return u, nil
}

// DeleteUser removes the user; the foreign keys remove every row that
// belongs to them (tokens, sessions, clients, projects, tasks, entries).
// The last active admin is not removed while other accounts exist:
// ECONFLICT, so that an installation always keeps someone who can reach
// /admin. (The only account may go: the next sign-up is then the first
// again, and becomes the admin.)
func (db *DB) DeleteUser(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(x q) error {
		if err := lastAdminGuard(ctx, x, id, true); err != nil {
			return err
		}
		res, err := x.exec(ctx, "DELETE FROM users WHERE id = ?", id)
		if err != nil {
			return fmt.Errorf("store: delete user: %w", err)
		}
		return mustAffect(res, "user")
	})
}

// adminLockKey serialises the changes that could leave no admin on
// PostgreSQL, where two transactions would otherwise each see the other
// admin still there.
const adminLockKey = 7_514_082_393

// errLastAdmin is the answer to removing the last admin in any way.
func errLastAdmin() error {
	return domain.Errorf(domain.ECONFLICT, "This is the only administrator. Make another user an administrator first.")
}

// lastAdminGuard refuses, inside a transaction, a change that takes user
// id away from the active admins when they are the last one; with
// aloneOK, not when they are the only account at all.
func lastAdminGuard(ctx context.Context, x q, id int64, aloneOK bool) error {
	if x.dialect == Postgres {
		if _, err := x.exec(ctx, "SELECT pg_advisory_xact_lock(?)", adminLockKey); err != nil {
			return fmt.Errorf("store: admin lock: %w", err)
		}
	}
	var isAdmin, others int
	err := x.row(ctx, `SELECT
		COALESCE(SUM(CASE WHEN id = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN id <> ? THEN 1 ELSE 0 END), 0)
		FROM users WHERE role = 'admin' AND deactivated_at IS NULL`, id, id).Scan(&isAdmin, &others)
	if err != nil {
		return fmt.Errorf("store: count admins: %w", err)
	}
	if isAdmin == 0 || others > 0 {
		return nil
	}
	if aloneOK {
		var users int
		if err := x.row(ctx, "SELECT COUNT(*) FROM users").Scan(&users); err != nil {
			return fmt.Errorf("store: count users: %w", err)
		}
		if users == 1 {
			return nil
		}
	}
	return errLastAdmin()
}

// FindUsers lists every account, oldest first.
func (db *DB) FindUsers(ctx context.Context) ([]domain.User, error) {
	rows, err := db.q().query(ctx, "SELECT "+userColumns+" FROM users ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	defer rows.Close()
	us := []domain.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find users: %w", err)
		}
		us = append(us, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find users: %w", err)
	}
	return us, nil
}

// SetUserRole makes the user an admin or a plain user. Demoting the last
// active admin is ECONFLICT.
func (db *DB) SetUserRole(ctx context.Context, id int64, role domain.Role) (*domain.User, error) {
	if role != domain.RoleAdmin && role != domain.RoleUser {
		return nil, domain.FieldError("role", "must be admin or user")
	}
	var u *domain.User
	err := db.inTx(ctx, func(x q) error {
		if role != domain.RoleAdmin {
			if err := lastAdminGuard(ctx, x, id, false); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(x.row(ctx, "UPDATE users SET role = ?, updated_at = ? WHERE id = ? RETURNING "+userColumns,
			string(role), x.ts(norm(db.now())), id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	return u, mapErr(err, "set user role", "")
}

// SetUserActive deactivates or reactivates the account. Deactivating ends
// every session of the user; their tokens stay but stop working until the
// account is active again. Deactivating the last active admin is
// ECONFLICT.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) (*domain.User, error) {
	var u *domain.User
	err := db.inTx(ctx, func(x q) error {
		now := x.ts(norm(db.now()))
		var deactivated any
		if !active {
			if err := lastAdminGuard(ctx, x, id, false); err != nil {
				return err
			}
			deactivated = now
		}
		var err error
		u, err = scanUser(x.row(ctx, "UPDATE users SET deactivated_at = ?, updated_at = ? WHERE id = ? RETURNING "+userColumns,
			deactivated, now, id))
		if err != nil || active {
			return err
		}
		_, err = x.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	return u, mapErr(err, "set user active", "")
}

// TouchUser records that the user was active at t.
func (db *DB) TouchUser(ctx context.Context, id int64, t time.Time) error {
	x := db.q()
	if _, err := x.exec(ctx, "UPDATE users SET last_active_at = ? WHERE id = ?", x.ts(norm(t)), id); err != nil {
		return fmt.Errorf("store: touch user: %w", err)
	}
	return nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.q().row(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}
