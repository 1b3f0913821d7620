package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

const projectColumns = "id, user_id, client_id, name, billable, archived, created_at, updated_at, hourly_rate"

func scanProject(row interface{ Scan(...any) error }) (*domain.Project, error) {
	var p domain.Project
	var client sql.NullInt64
	err := row.Scan(&p.ID, &p.UserID, &client, &p.Name, &p.Billable, &p.Archived,
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, rateCol{&p.HourlyRate})
	if err != nil {
		return nil, err
	}
	if client.Valid {
		p.ClientID = &client.Int64
	}
	return &p, nil
}

func nullID(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// CreateProject stores p for p.UserID and sets its ID and stamps. Its
// client, if any, must be one of the user's (else EINVALID on client_id).
func (db *DB) CreateProject(ctx context.Context, p *domain.Project) error {
	valid := *p
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	if err := checkRate(p.HourlyRate, "hourly_rate"); err != nil {
		return err
	}
	now := norm(db.now())
	var id int64
	err := db.inTx(ctx, func(x q) error {
		if p.ClientID != nil {
			if err := domain.CheckClientRef(ctx, refs{x}, p.UserID, p.ClientID); err != nil {
				return err
			}
		}
		return x.row(ctx, `INSERT INTO projects (user_id, client_id, name, billable, archived, hourly_rate, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.UserID, nullID(p.ClientID), name, p.Billable, p.Archived, rateArg(p.HourlyRate), x.ts(now), x.ts(now)).Scan(&id)
	})
	if err != nil {
		return mapErr(err, "create project", "client_id")
	}
	p.ID, p.Name, p.CreatedAt, p.UpdatedAt = id, name, now, now
	return nil
}

// FindProject returns the user's project, or ENOTFOUND.
func (db *DB) FindProject(ctx context.Context, userID, id int64) (*domain.Project, error) {
	p, err := scanProject(db.q().row(ctx, "SELECT "+projectColumns+" FROM projects WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("project")
	} else if err != nil {
		return nil, fmt.Errorf("store: find project: %w", err)
	}
	return p, nil
}

// FindProjects returns the user's projects ordered by name, the archived
// ones only if includeArchived.
func (db *DB) FindProjects(ctx context.Context, userID int64, includeArchived bool) ([]domain.Project, error) {
	return findProjects(ctx, db.q(), userID, includeArchived)
}

func findProjects(ctx context.Context, x q, userID int64, includeArchived bool) ([]domain.Project, error) {
	query := "SELECT " + projectColumns + " FROM projects WHERE user_id = ?"
	args := []any{userID}
	if !includeArchived {
		query += " AND archived = ?"
		args = append(args, false)
	}
	rows, err := x.query(ctx, query+" ORDER BY lower(name), id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: find projects: %w", err)
	}
	defer rows.Close()
	ps := []domain.Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find projects: %w", err)
		}
		ps = append(ps, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find projects: %w", err)
	}
	return ps, nil
}

// UpdateProject saves p's client, name, hourly rate, billable and archived flags; p must
// be one of p.UserID's projects, else ENOTFOUND, and its client one of the
// user's, else EINVALID on client_id.
func (db *DB) UpdateProject(ctx context.Context, p *domain.Project) error {
	valid := *p
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	if err := checkRate(p.HourlyRate, "hourly_rate"); err != nil {
		return err
	}
	now := norm(db.now())
	var created domain.Project
	err := db.inTx(ctx, func(x q) error {
		var one int
		err := x.row(ctx, "SELECT 1 FROM projects WHERE id = ? AND user_id = ?"+x.forUpdate(), p.ID, p.UserID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("project")
		} else if err != nil {
			return err
		}
		if p.ClientID != nil {
			if err := domain.CheckClientRef(ctx, refs{x}, p.UserID, p.ClientID); err != nil {
				return err
			}
		}
		return x.row(ctx, `UPDATE projects SET client_id = ?, name = ?, billable = ?, archived = ?, hourly_rate = ?, updated_at = ?
			WHERE id = ? AND user_id = ? RETURNING created_at`,
			nullID(p.ClientID), name, p.Billable, p.Archived, rateArg(p.HourlyRate), x.ts(now), p.ID, p.UserID).Scan(timeCol{&created.CreatedAt})
	})
	if err != nil {
		return mapErr(err, "update project", "client_id")
	}
	p.Name, p.CreatedAt, p.UpdatedAt = name, created.CreatedAt, now
	return nil
}

// DeleteProject deletes one of the user's projects together with its
// tasks and time entries (ON DELETE CASCADE): entries cannot exist without
// a project. Archive a project instead to keep its history.
func (db *DB) DeleteProject(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM projects WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete project: %w", err)
	}
	return mustAffect(res, "project")
}
