package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

const taskColumns = "id, user_id, project_id, name, done, created_at, updated_at"

func scanTask(row interface{ Scan(...any) error }) (*domain.Task, error) {
	var t domain.Task
	err := row.Scan(&t.ID, &t.UserID, &t.ProjectID, &t.Name, &t.Done, timeCol{&t.CreatedAt}, timeCol{&t.UpdatedAt})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateTask stores t for t.UserID and sets its ID and stamps. Its project
// must be one of the user's, else EINVALID on project_id.
func (db *DB) CreateTask(ctx context.Context, t *domain.Task) error {
	valid := *t
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	now := norm(db.now())
	var id int64
	err := db.inTx(ctx, func(x q) error {
		if _, err := domain.CheckEntryRefs(ctx, refs{x}, t.UserID, t.ProjectID, nil); err != nil {
			return err
		}
		return x.row(ctx, `INSERT INTO tasks (user_id, project_id, name, done, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			t.UserID, t.ProjectID, name, t.Done, x.ts(now), x.ts(now)).Scan(&id)
	})
	if err != nil {
		return mapErr(err, "create task", "project_id")
	}
	t.ID, t.Name, t.CreatedAt, t.UpdatedAt = id, name, now, now
	return nil
}

// FindTask returns the user's task, or ENOTFOUND.
func (db *DB) FindTask(ctx context.Context, userID, id int64) (*domain.Task, error) {
	t, err := scanTask(db.q().row(ctx, "SELECT "+taskColumns+" FROM tasks WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("task")
	} else if err != nil {
		return nil, fmt.Errorf("store: find task: %w", err)
	}
	return t, nil
}

// FindTasks returns the user's tasks of one project, or of all projects
// when projectID is 0, ordered by name.
func (db *DB) FindTasks(ctx context.Context, userID, projectID int64) ([]domain.Task, error) {
	return findTasks(ctx, db.q(), userID, projectID)
}

func findTasks(ctx context.Context, x q, userID, projectID int64) ([]domain.Task, error) {
	query := "SELECT " + taskColumns + " FROM tasks WHERE user_id = ?"
	args := []any{userID}
	if projectID != 0 {
		query += " AND project_id = ?"
		args = append(args, projectID)
	}
	rows, err := x.query(ctx, query+" ORDER BY lower(name), id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: find tasks: %w", err)
	}
	defer rows.Close()
	ts := []domain.Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find tasks: %w", err)
		}
		ts = append(ts, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tasks: %w", err)
	}
	return ts, nil
}

// UpdateTask saves t's project, name and done flag; t must be one of
// t.UserID's tasks, else ENOTFOUND. A task moved to another of the user's
// projects takes its time entries with it, so that an entry's task always
// belongs to the entry's project.
func (db *DB) UpdateTask(ctx context.Context, t *domain.Task) error {
	valid := *t
	if err := valid.Validate(); err != nil {
		return err
	}
	name := valid.Name
	now := norm(db.now())
	var created domain.Task
	err := db.inTx(ctx, func(x q) error {
		var oldProject int64
		err := x.row(ctx, "SELECT project_id FROM tasks WHERE id = ? AND user_id = ?"+x.forUpdate(), t.ID, t.UserID).Scan(&oldProject)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("task")
		} else if err != nil {
			return err
		}
		if t.ProjectID != oldProject {
			if _, err := domain.CheckEntryRefs(ctx, refs{x}, t.UserID, t.ProjectID, nil); err != nil {
				return err
			}
		}
		err = x.row(ctx, `UPDATE tasks SET project_id = ?, name = ?, done = ?, updated_at = ?
			WHERE id = ? AND user_id = ? RETURNING created_at`,
			t.ProjectID, name, t.Done, x.ts(now), t.ID, t.UserID).Scan(timeCol{&created.CreatedAt})
		if err != nil {
			return err
		}
		if t.ProjectID != oldProject {
			_, err = x.exec(ctx, "UPDATE entries SET project_id = ?, updated_at = ? WHERE task_id = ? AND user_id = ?",
				t.ProjectID, x.ts(now), t.ID, t.UserID)
		}
		return err
	})
	if err != nil {
		return mapErr(err, "update task", "project_id")
	}
	t.Name, t.CreatedAt, t.UpdatedAt = name, created.CreatedAt, now
	return nil
}

// DeleteTask deletes one of the user's tasks. Its time entries stay, with
// no task (ON DELETE SET NULL).
func (db *DB) DeleteTask(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM tasks WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete task: %w", err)
	}
	return mustAffect(res, "task")
}
