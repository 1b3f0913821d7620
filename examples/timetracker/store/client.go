package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

const clientColumns = "id, user_id, name, created_at, updated_at, hourly_rate"

func scanClient(row interface{ Scan(...any) error }) (*domain.Client, error) {
	var c domain.Client
	if err := row.Scan(&c.ID, &c.UserID, &c.Name, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, rateCol{&c.HourlyRate}); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateClient stores c for c.UserID and sets its ID and stamps.
func (db *DB) CreateClient(ctx context.Context, c *domain.Client) error {
	valid := *c
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	if err := checkRate(c.HourlyRate, "hourly_rate"); err != nil {
		return err
	}
	now := norm(db.now())
	x := db.q()
	var id int64
	err := x.row(ctx, "INSERT INTO clients (user_id, name, hourly_rate, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		c.UserID, name, rateArg(c.HourlyRate), x.ts(now), x.ts(now)).Scan(&id)
	if err != nil {
		return mapErr(err, "create client", "user_id")
	}
	c.ID, c.Name, c.CreatedAt, c.UpdatedAt = id, name, now, now
	return nil
}

// FindClient returns the user's client, or ENOTFOUND.
func (db *DB) FindClient(ctx context.Context, userID, id int64) (*domain.Client, error) {
	c, err := scanClient(db.q().row(ctx, "SELECT "+clientColumns+" FROM clients WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("client")
	} else if err != nil {
		return nil, fmt.Errorf("store: find client: %w", err)
	}
	return c, nil
}

// FindClients returns the user's clients ordered by name.
func (db *DB) FindClients(ctx context.Context, userID int64) ([]domain.Client, error) {
	return findClients(ctx, db.q(), userID)
}

func findClients(ctx context.Context, x q, userID int64) ([]domain.Client, error) {
	rows, err := x.query(ctx, "SELECT "+clientColumns+" FROM clients WHERE user_id = ? ORDER BY lower(name), id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: find clients: %w", err)
	}
	defer rows.Close()
	cs := []domain.Client{}
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find clients: %w", err)
		}
		cs = append(cs, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find clients: %w", err)
	}
	return cs, nil
}

// UpdateClient saves c's name and hourly rate; c must be one of c.UserID's clients, else
// ENOTFOUND. It sets c's stamps to what is stored.
func (db *DB) UpdateClient(ctx context.Context, c *domain.Client) error {
	valid := *c
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	if err := checkRate(c.HourlyRate, "hourly_rate"); err != nil {
		return err
	}
	now := norm(db.now())
	x := db.q()
	var created domain.Client
	err := x.row(ctx, "UPDATE clients SET name = ?, hourly_rate = ?, updated_at = ? WHERE id = ? AND user_id = ? RETURNING created_at",
		name, rateArg(c.HourlyRate), x.ts(now), c.ID, c.UserID).Scan(timeCol{&created.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("client")
	} else if err != nil {
		return mapErr(err, "update client", "")
	}
	c.Name, c.CreatedAt, c.UpdatedAt = name, created.CreatedAt, now
	return nil
}

// DeleteClient deletes one of the user's clients. Its projects stay, with
// no client (ON DELETE SET NULL).
func (db *DB) DeleteClient(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM clients WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete client: %w", err)
	}
	return mustAffect(res, "client")
}

// refs looks up, inside a transaction, the objects a write refers to,
// locking the rows it reads (see forShare), so that the domain's ownership
// checks (domain.CheckEntryRefs, domain.CheckClientRef) hold until the write
// that relies on them commits.
type refs struct{ x q }

func (r refs) FindClient(ctx context.Context, userID, id int64) (*domain.Client, error) {
	c, err := scanClient(r.x.row(ctx, "SELECT "+clientColumns+" FROM clients WHERE id = ? AND user_id = ?"+r.x.forShare(), id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("client")
	}
	return c, err
}

func (r refs) FindProject(ctx context.Context, userID, id int64) (*domain.Project, error) {
	p, err := scanProject(r.x.row(ctx, "SELECT "+projectColumns+" FROM projects WHERE id = ? AND user_id = ?"+r.x.forShare(), id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("project")
	}
	return p, err
}

func (r refs) FindTask(ctx context.Context, userID, id int64) (*domain.Task, error) {
	t, err := scanTask(r.x.row(ctx, "SELECT "+taskColumns+" FROM tasks WHERE id = ? AND user_id = ?"+r.x.forShare(), id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("task")
	}
	return t, err
}
