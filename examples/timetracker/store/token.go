package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// lastUsedGranularity bounds how often FindTokenByHash writes: a token used
// by a script many times a minute is stamped once a minute, not on every
// request.
const lastUsedGranularity = time.Minute

const tokenColumns = "id, user_id, name, created_at, last_used_at"

func scanToken(row interface{ Scan(...any) error }) (*domain.Token, error) {
	var t domain.Token
	err := row.Scan(&t.ID, &t.UserID, &t.Name, timeCol{&t.CreatedAt}, nullTimeCol{&t.LastUsedAt})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateToken stores t (its hash, never the secret) and sets its ID and
// creation time.
func (db *DB) CreateToken(ctx context.Context, t *domain.Token) error {
	name, err := domain.CleanName("name", "token", t.Name)
	if err != nil {
		return err
	}
	if len(t.Hash) == 0 {
		return domain.FieldError("hash", "is required")
	}
	now := norm(db.now())
	x := db.q()
	var id int64
	err = x.row(ctx, "INSERT INTO tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		t.UserID, name, t.Hash, x.ts(now)).Scan(&id)
	if err != nil {
		return mapErr(err, "create token", "user_id")
	}
	t.ID, t.Name, t.CreatedAt, t.LastUsedAt = id, name, now, nil
	return nil
}

// FindTokens returns the user's tokens, oldest first, without hashes.
func (db *DB) FindTokens(ctx context.Context, userID int64) ([]domain.Token, error) {
	return findTokens(ctx, db.q(), userID)
}

func findTokens(ctx context.Context, x q, userID int64) ([]domain.Token, error) {
	rows, err := x.query(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE user_id = ? ORDER BY created_at, id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: find tokens: %w", err)
	}
	defer rows.Close()
	ts := []domain.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find tokens: %w", err)
		}
		ts = append(ts, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tokens: %w", err)
	}
	return ts, nil
}

// FindTokenByHash returns the token whose hash is hash, or ENOTFOUND, and
// records its use. The lookup goes through the unique index on the hash
// of a high-entropy secret, so its timing tells an attacker nothing.
func (db *DB) FindTokenByHash(ctx context.Context, hash []byte) (*domain.Token, error) {
	if len(hash) == 0 {
		return nil, notFound("token")
	}
	x := db.q()
	t, err := scanToken(x.row(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token")
	} else if err != nil {
		return nil, fmt.Errorf("store: find token: %w", err)
	}
	now := norm(db.now())
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity {
		if _, err := x.exec(ctx, "UPDATE tokens SET last_used_at = ? WHERE id = ?", x.ts(now), t.ID); err != nil {
			return nil, fmt.Errorf("store: mark token used: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// DeleteToken revokes one of the user's tokens; another user's token is
// ENOTFOUND.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM tokens WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete token: %w", err)
	}
	return mustAffect(res, "token")
}

// DeleteUserTokens revokes every token of the user but keep (0: none),
// as after a password change.
func (db *DB) DeleteUserTokens(ctx context.Context, userID, keep int64) (int64, error) {
	res, err := db.q().exec(ctx, "DELETE FROM tokens WHERE user_id = ? AND id <> ?", userID, keep)
	if err != nil {
		return 0, fmt.Errorf("store: delete user tokens: %w", err)
	}
	return res.RowsAffected()
}

// CreateSession stores s. A zero CreatedAt is set to now; ExpiresAt is
// required.
func (db *DB) CreateSession(ctx context.Context, s *domain.Session) error {
	if len(s.IDHash) == 0 {
		return domain.FieldError("id_hash", "is required")
	}
	if err := domain.CheckTime("expires_at", s.ExpiresAt); err != nil {
		return err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.now()
	}
	s.CreatedAt, s.ExpiresAt = norm(s.CreatedAt), norm(s.ExpiresAt)
	x := db.q()
	_, err := x.exec(ctx, "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		s.IDHash, s.UserID, s.CSRFToken, x.ts(s.CreatedAt), x.ts(s.ExpiresAt))
	return mapErr(err, "create session", "user_id")
}

// FindSession returns the session whose ID hash is idHash. A session that
// has expired is ENOTFOUND even before DeleteExpiredSessions removes it.
func (db *DB) FindSession(ctx context.Context, idHash []byte) (*domain.Session, error) {
	if len(idHash) == 0 {
		return nil, notFound("session")
	}
	x := db.q()
	var s domain.Session
	err := x.row(ctx, `SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM sessions
		WHERE id_hash = ? AND expires_at > ?`, idHash, x.ts(norm(db.now()))).
		Scan(&s.IDHash, &s.UserID, &s.CSRFToken, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("session")
	} else if err != nil {
		return nil, fmt.Errorf("store: find session: %w", err)
	}
	return &s, nil
}

// DeleteSession removes a session. Removing one that is already gone is
// not an error, so signing out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := db.q().exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions removes every session of the user but the one whose
// hash is keep, as after a password change.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, keep []byte) (int64, error) {
	if keep == nil {
		keep = []byte{}
	}
	res, err := db.q().exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", userID, keep)
	if err != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	x := db.q()
	res, err := x.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", x.ts(norm(now)))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
