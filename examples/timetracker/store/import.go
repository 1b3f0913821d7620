package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// errDryRun ends an import's transaction without committing it.
var errDryRun = errors.New("store: import not committed")

type nameKey struct {
	parent int64 // client ID for a project (0: none), project ID for a task
	name   string
}

// importNames finds the user's clients, projects and tasks by name,
// ignoring case, and creates the missing ones, inside an import's
// transaction.
type importNames struct {
	x       q
	userID  int64
	now     time.Time
	clients map[string]int64
	projs   map[nameKey]int64
	tasks   map[nameKey]int64
	tags    map[string]int64        // tag IDs by domain.TagKey; 0 for a new tag not stored yet
	rates   map[int64]*domain.Cents // the rate in force, by project
	res     *domain.ImportResult
}

func nameOf(s string) string { return strings.ToLower(s) }

func (n *importNames) load(ctx context.Context) error {
	cs, err := findClients(ctx, n.x, n.userID)
	if err != nil {
		return err
	}
	ps, err := findProjects(ctx, n.x, n.userID, true)
	if err != nil {
		return err
	}
	ts, err := findTasks(ctx, n.x, n.userID, 0)
	if err != nil {
		return err
	}
	tags, err := findTags(ctx, n.x, n.userID)
	if err != nil {
		return err
	}
	n.clients, n.projs, n.tasks = map[string]int64{}, map[nameKey]int64{}, map[nameKey]int64{}
	n.tags, n.rates = map[string]int64{}, map[int64]*domain.Cents{}
	for _, t := range tags {
		n.tags[domain.TagKey(t.Name)] = t.ID
	}
	// The oldest of several objects of the same name wins, whatever the
	// order of the lists.
	for _, c := range cs {
		k := nameOf(c.Name)
		if id, ok := n.clients[k]; !ok || c.ID < id {
			n.clients[k] = c.ID
		}
	}
	for _, p := range ps {
		var parent int64
		if p.ClientID != nil {
			parent = *p.ClientID
		}
		k := nameKey{parent, nameOf(p.Name)}
		if id, ok := n.projs[k]; !ok || p.ID < id {
			n.projs[k] = p.ID
		}
	}
	for _, t := range ts {
		k := nameKey{t.ProjectID, nameOf(t.Name)}
		if id, ok := n.tasks[k]; !ok || t.ID < id {
			n.tasks[k] = t.ID
		}
	}
	return nil
}

func (n *importNames) client(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	if id, ok := n.clients[nameOf(name)]; ok {
		return id, nil
	}
	var id int64
	err := n.x.row(ctx, "INSERT INTO clients (user_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
		n.userID, name, n.x.ts(n.now), n.x.ts(n.now)).Scan(&id)
	if err != nil {
		return 0, err
	}
	n.clients[nameOf(name)] = id
	n.res.NewClients = append(n.res.NewClients, name)
	return id, nil
}

func (n *importNames) project(ctx context.Context, clientID int64, client, name string, billable bool) (int64, error) {
	k := nameKey{clientID, nameOf(name)}
	if id, ok := n.projs[k]; ok {
		return id, nil
	}
	var id int64
	err := n.x.row(ctx, `INSERT INTO projects (user_id, client_id, name, billable, archived, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		n.userID, nullID(optID(clientID)), name, billable, false, n.x.ts(n.now), n.x.ts(n.now)).Scan(&id)
	if err != nil {
		return 0, err
	}
	n.projs[k] = id
	n.res.NewProjects = append(n.res.NewProjects, domain.ProjectName{Name: name, Client: client})
	return id, nil
}

func (n *importNames) task(ctx context.Context, projectID int64, client, project, name string) (*int64, error) {
	if name == "" {
		return nil, nil
	}
	k := nameKey{projectID, nameOf(name)}
	if id, ok := n.tasks[k]; ok {
		return &id, nil
	}
	var id int64
	err := n.x.row(ctx, `INSERT INTO tasks (user_id, project_id, name, done, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		n.userID, projectID, name, false, n.x.ts(n.now), n.x.ts(n.now)).Scan(&id)
	if err != nil {
		return nil, err
	}
	n.tasks[k] = id
	n.res.NewTasks = append(n.res.NewTasks, domain.TaskName{Name: name, Project: project, Client: client})
	return &id, nil
}

// existing finds the project and task a row names among those the user
// has or this import created, without creating any; ok is false when one
// of them is not there.
func (n *importNames) existing(client, project, task string) (projectID int64, taskID *int64, ok bool) {
	var clientID int64
	if client != "" {
		if clientID, ok = n.clients[nameOf(client)]; !ok {
			return 0, nil, false
		}
	}
	if projectID, ok = n.projs[nameKey{clientID, nameOf(project)}]; !ok {
		return 0, nil, false
	}
	if task == "" {
		return projectID, nil, true
	}
	id, ok := n.tasks[nameKey{projectID, nameOf(task)}]
	if !ok {
		return 0, nil, false
	}
	return projectID, &id, true
}

// stored reports whether the user has an entry with e's start, end,
// project, task and notes already: the same row imported before, or an
// earlier row of the same file.
func (n *importNames) stored(ctx context.Context, e *domain.Entry) (bool, error) {
	var task int64
	if e.TaskID != nil {
		task = *e.TaskID
	}
	var one int
	err := n.x.row(ctx, `SELECT 1 FROM entries WHERE user_id = ? AND start_at = ? AND end_at = ? AND project_id = ?
		AND COALESCE(task_id, 0) = ? AND notes = ? LIMIT 1`,
		n.userID, n.x.ts(norm(e.Start)), n.x.ts(norm(*e.End)), e.ProjectID, task, e.Notes).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// noteTags records the tags of names the user does not have yet; insert
// creates them.
func (n *importNames) noteTags(names []string) {
	for _, t := range names {
		if _, ok := n.tags[domain.TagKey(t)]; !ok {
			n.tags[domain.TagKey(t)] = 0
			n.res.NewTags = append(n.res.NewTags, t)
		}
	}
}

// insert stores a checked entry as CreateEntry does (the rate in force
// stamped on it, its tags linked, missing tags created), with the rates
// and tag IDs looked up once per import rather than once per row.
func (n *importNames) insert(ctx context.Context, e *domain.Entry) error {
	rate, ok := n.rates[e.ProjectID]
	if !ok {
		var err error
		if rate, err = rateInForce(ctx, n.x, n.userID, e.ProjectID); err != nil {
			return err
		}
		n.rates[e.ProjectID] = rate
	}
	e.HourlyRate = rate
	err := n.x.row(ctx, `INSERT INTO entries (user_id, project_id, task_id, start_at, end_at, notes, billable, hourly_rate, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.UserID, e.ProjectID, nullID(e.TaskID), n.x.ts(e.Start), n.x.tsPtr(e.End), e.Notes, e.Billable, rateArg(rate),
		n.x.ts(n.now), n.x.ts(n.now)).Scan(&e.ID)
	if err != nil {
		return err
	}
	for _, name := range e.Tags {
		key := domain.TagKey(name)
		id := n.tags[key]
		if id == 0 {
			ts, err := ensureTags(ctx, n.x, n.userID, []string{name}, n.now)
			if err != nil {
				return err
			}
			id = ts[0].ID
			n.tags[key] = id
		}
		if _, err := n.x.exec(ctx, "INSERT INTO entry_tags (entry_id, tag_id, user_id) VALUES (?, ?, ?)", e.ID, id, n.userID); err != nil {
			return err
		}
	}
	return nil
}

// importOverlaps finds, for an import, the user's entries that overlap a
// span. The plain overlap query reads every earlier entry of the user,
// which over thousands of rows grows with their square; here each check
// reads only the entries starting within the longest entry's length
// before the span (through entries_user_start_idx), and the one running
// timer, which the import never creates, is read once.
type importOverlaps struct {
	longest time.Duration
	running *time.Time // the running timer's start
	now     time.Time
}

func newImportOverlaps(ctx context.Context, x q, userID int64, max time.Duration, now time.Time) (*importOverlaps, error) {
	o := &importOverlaps{longest: max, now: now}
	rows, err := x.query(ctx, "SELECT start_at, end_at FROM entries WHERE user_id = ? AND end_at IS NOT NULL", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var start, end time.Time
		if err := rows.Scan(timeCol{&start}, timeCol{&end}); err != nil {
			return nil, err
		}
		// Entries stored under a higher MAX_ENTRY_HOURS may be longer.
		if d := end.Sub(start); d > o.longest {
			o.longest = d
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var running time.Time
	err = x.row(ctx, "SELECT start_at FROM entries WHERE user_id = ? AND end_at IS NULL", userID).Scan(timeCol{&running})
	if err == nil {
		o.running = &running
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return o, nil
}

// overlaps reports whether [start, end) meets another of the user's
// entries by more than an instant, as Overlapping decides.
func (o *importOverlaps) overlaps(ctx context.Context, x q, userID int64, start, end time.Time) (bool, error) {
	if r := o.running; r != nil && r.Before(end) && o.now.After(start) {
		return true, nil
	}
	var one int
	err := x.row(ctx, `SELECT 1 FROM entries WHERE user_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? LIMIT 1`,
		userID, x.ts(norm(start.Add(-o.longest))), x.ts(norm(end)), x.ts(norm(start))).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// ImportEntries stores the rows of an import for the user in one
// transaction: the clients, projects and tasks they name are found by
// name ignoring case (a project under the row's client, or under none; a
// task under its project; tags as tags are) or created, and each entry is checked as
// CreateEntry checks one (its fields, the longest entry allowed, and, when
// RefuseOverlaps is set, overlaps with the user's other entries and with
// earlier rows) and gets the rate in force. A row whose start, end,
// project, task and notes match an entry the user has (stored before, or
// an earlier row) is skipped and counted as a duplicate, so that a file
// imported twice is stored once. A row without an end (a running timer)
// is refused. Any problem in any row rolls everything back;
// the result lists them all. With req.DryRun the transaction is always
// rolled back, so the result says what would be created.
func (db *DB) ImportEntries(ctx context.Context, userID int64, req domain.ImportRequest) (*domain.ImportResult, error) {
	if len(req.Rows) > domain.MaxImportRows {
		return nil, domain.Errorf(domain.EINVALID, "The file holds %d entries; at most %d can be imported at once.", len(req.Rows), domain.MaxImportRows)
	}
	col := func(field string) string {
		if c := req.Columns[field]; c != "" {
			return c
		}
		return field
	}
	var res *domain.ImportResult
	now := norm(db.now())
	err := db.inTx(ctx, func(x q) error {
		res = &domain.ImportResult{DryRun: req.DryRun, NewClients: []string{}, NewProjects: []domain.ProjectName{},
			NewTasks: []domain.TaskName{}, NewTags: []string{}, Problems: []domain.ImportProblem{}}
		// The user row is locked, so that two imports of one user do not
		// both create the same missing names.
		var one int
		if err := x.row(ctx, "SELECT 1 FROM users WHERE id = ?"+x.forUpdate(), userID).Scan(&one); err != nil {
			return err
		}
		names := &importNames{x: x, userID: userID, now: now, res: res}
		if err := names.load(ctx); err != nil {
			return err
		}
		overlaps, err := newImportOverlaps(ctx, x, userID, db.maxEntry(), now)
		if err != nil {
			return err
		}
		for i := range req.Rows {
			row := &req.Rows[i]
			bad := false
			problem := func(field string, err error) {
				bad = true
				res.Problems = append(res.Problems, domain.ImportProblem{Line: row.Line, Column: col(field), Message: domain.ErrorMessage(err)})
			}
			client, err := domain.CleanOptionalName("client", row.Client)
			if err != nil {
				problem("client", err)
			}
			project, err := domain.CleanName("project", "project", row.Project)
			if err != nil {
				problem("project", err)
			}
			task, err := domain.CleanOptionalName("task", row.Task)
			if err != nil {
				problem("task", err)
			}
			e := domain.Entry{UserID: userID, Start: row.Start, Notes: row.Notes, Billable: row.Billable, Tags: row.Tags}
			if row.End.IsZero() {
				problem("end", domain.FieldError("end", "The entry has no end: a running timer cannot be imported."))
			} else {
				end := row.End
				e.End = &end
				if err := db.checkEntry(&e); err != nil {
					problem(domain.ErrorField(err), err)
				}
			}
			if bad {
				continue
			}
			// Before any name is created: a refused row creates nothing.
			overlap, err := overlaps.overlaps(ctx, x, userID, e.Start, *e.End)
			if err != nil {
				return err
			}
			if overlap {
				// A row already stored overlaps itself: it is skipped, so
				// that importing a file again adds only what is new.
				if pid, tid, ok := names.existing(client, project, task); ok {
					e.ProjectID, e.TaskID = pid, tid
					dup, err := names.stored(ctx, &e)
					if err != nil {
						return err
					}
					if dup {
						res.Duplicates++
						continue
					}
				}
				if db.RefuseOverlaps {
					problem("start", domain.FieldError("start", "This entry overlaps another of your entries, or an earlier row of the file; overlapping entries are not accepted here."))
					continue
				}
				res.Overlaps++
			}
			clientID, err := names.client(ctx, client)
			if err != nil {
				return err
			}
			if e.ProjectID, err = names.project(ctx, clientID, client, project, row.Billable); err != nil {
				return err
			}
			if e.TaskID, err = names.task(ctx, e.ProjectID, client, project, task); err != nil {
				return err
			}
			names.noteTags(e.Tags)
			if err := names.insert(ctx, &e); err != nil {
				return err
			}
			secs := int64(e.End.Sub(e.Start) / time.Second)
			res.Entries++
			res.Seconds += secs
			if e.Billable {
				res.BillableSeconds += secs
			}
		}
		if len(res.Problems) > 0 || req.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, fmt.Errorf("store: import entries: %w", err)
	}
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Line < res.Problems[j].Line })
	res.ProblemCount = len(res.Problems)
	res.Hours = domain.CentSeconds(res.Seconds * 100)
	res.Imported = err == nil
	return res, nil
}
