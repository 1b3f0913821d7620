package store

import (
	"context"
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
	tags    map[string]bool // domain.TagKey of the user's tags
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
	n.clients, n.projs, n.tasks, n.tags = map[string]int64{}, map[nameKey]int64{}, map[nameKey]int64{}, map[string]bool{}
	for _, t := range tags {
		n.tags[domain.TagKey(t.Name)] = true
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

// noteTags records the tags of names the user does not have yet; the
// entry's insert creates them.
func (n *importNames) noteTags(names []string) {
	for _, t := range names {
		if k := domain.TagKey(t); !n.tags[k] {
			n.tags[k] = true
			n.res.NewTags = append(n.res.NewTags, t)
		}
	}
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
// earlier rows) and gets the rate in force. A row without an end (a
// running timer) is refused. Any problem in any row rolls everything back;
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
			ids, err := overlapping(ctx, x, userID, e.Start, *e.End, 0, now)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				if db.RefuseOverlaps {
					problem("start", domain.FieldError("start", "This entry overlaps another of your entries, or an earlier row of the file; overlapping entries are not accepted here."))
					continue
				}
				res.Overlaps++
			}
			names.noteTags(e.Tags)
			if err := insertEntry(ctx, x, &e, now); err != nil {
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
	res.Imported = err == nil
	return res, nil
}
