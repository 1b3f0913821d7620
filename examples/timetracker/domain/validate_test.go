package domain_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

func TestValidate(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	before := start.Add(-time.Minute)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		v     interface{ Validate() error }
		field string // "" when valid
	}{
		{"client", &domain.Client{Name: " Acme "}, ""},
		{"client without name", &domain.Client{Name: "  "}, "name"},
		{"client name at the limit", &domain.Client{Name: strings.Repeat("é", domain.MaxNameLen)}, ""},
		{"client name over the limit", &domain.Client{Name: strings.Repeat("é", domain.MaxNameLen+1)}, "name"},
		{"client name with NUL", &domain.Client{Name: "a\x00b"}, "name"},
		{"client name not UTF-8", &domain.Client{Name: "a\xffb"}, "name"},
		{"project", &domain.Project{Name: "Site"}, ""},
		{"project without name", &domain.Project{}, "name"},
		{"task", &domain.Task{Name: "Design"}, ""},
		{"task name over the limit", &domain.Task{Name: strings.Repeat("x", domain.MaxNameLen+1)}, "name"},
		{"entry", &domain.Entry{Start: start, End: &end, Notes: "ok"}, ""},
		{"running entry", &domain.Entry{Start: start}, ""},
		{"entry without start", &domain.Entry{End: &end}, "start"},
		{"entry ending before its start", &domain.Entry{Start: start, End: &before}, "end"},
		{"entry ending after year 9999", &domain.Entry{Start: start, End: &far}, "end"},
		{"entry notes at the limit", &domain.Entry{Start: start, Notes: strings.Repeat("n", domain.MaxNotesLen)}, ""},
		{"entry notes over the limit", &domain.Entry{Start: start, Notes: strings.Repeat("n", domain.MaxNotesLen+1)}, "notes"},
		{"entry notes with NUL", &domain.Entry{Start: start, Notes: "\x00"}, "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorField(err) != tt.field {
				t.Fatalf("Validate() = %v, want EINVALID on %s", err, tt.field)
			}
		})
	}
}

func TestValidateTrimsNames(t *testing.T) {
	c := &domain.Client{Name: "  Acme Corp \t"}
	if err := c.Validate(); err != nil || c.Name != "Acme Corp" {
		t.Fatalf("Validate() = %v, name %q; want nil, %q", err, c.Name, "Acme Corp")
	}
}

func TestLimitMessages(t *testing.T) {
	err := domain.CheckNotes(strings.Repeat("n", domain.MaxNotesLen+1))
	if got, want := domain.ErrorMessage(err), "Notes are too long: at most 10,000 characters."; got != want {
		t.Errorf("notes message = %q, want %q", got, want)
	}
	_, err = domain.CleanName("name", "client", strings.Repeat("n", domain.MaxNameLen+1))
	if got, want := domain.ErrorMessage(err), "The name is too long: at most 200 characters."; got != want {
		t.Errorf("name message = %q, want %q", got, want)
	}
}

// finder is a RefFinder over fixed objects, or failing with err.
type finder struct {
	projects map[int64]*domain.Project
	tasks    map[int64]*domain.Task
	clients  map[int64]*domain.Client
	err      error
}

func (f finder) FindClient(_ context.Context, userID, id int64) (*domain.Client, error) {
	if f.err != nil {
		return nil, f.err
	}
	if c, ok := f.clients[id]; ok && c.UserID == userID {
		return c, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "client not found")
}

func (f finder) FindProject(_ context.Context, userID, id int64) (*domain.Project, error) {
	if f.err != nil {
		return nil, f.err
	}
	if p, ok := f.projects[id]; ok && p.UserID == userID {
		return p, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "project not found")
}

func (f finder) FindTask(_ context.Context, userID, id int64) (*domain.Task, error) {
	if f.err != nil {
		return nil, f.err
	}
	if t, ok := f.tasks[id]; ok && t.UserID == userID {
		return t, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "task not found")
}

func TestCheckEntryRefs(t *testing.T) {
	f := finder{
		projects: map[int64]*domain.Project{1: {ID: 1, UserID: 7}, 2: {ID: 2, UserID: 7}, 3: {ID: 3, UserID: 8}},
		tasks:    map[int64]*domain.Task{10: {ID: 10, UserID: 7, ProjectID: 1}, 11: {ID: 11, UserID: 8, ProjectID: 3}},
		clients:  map[int64]*domain.Client{5: {ID: 5, UserID: 7}, 6: {ID: 6, UserID: 8}},
	}
	id := func(n int64) *int64 { return &n }
	tests := []struct {
		name             string
		project          int64
		task             *int64
		field            string
		wantProjectFound int64
	}{
		{"own project", 1, nil, "", 1},
		{"own project and task", 1, id(10), "", 1},
		{"no project", 0, nil, "project_id", 0},
		{"missing project", 99, nil, "project_id", 0},
		{"another user's project", 3, nil, "project_id", 0},
		{"missing task", 1, id(99), "task_id", 0},
		{"another user's task", 1, id(11), "task_id", 0},
		{"a task of another project", 2, id(10), "task_id", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := domain.CheckEntryRefs(context.Background(), f, 7, tt.project, tt.task)
			if tt.field == "" {
				if err != nil || p == nil || p.ID != tt.wantProjectFound {
					t.Fatalf("CheckEntryRefs = %v, %v; want project %d", p, err, tt.wantProjectFound)
				}
				return
			}
			if domain.ErrorCode(err) != domain.EINVALID || domain.ErrorField(err) != tt.field {
				t.Fatalf("CheckEntryRefs = %v, want EINVALID on %s", err, tt.field)
			}
		})
	}
	if err := domain.CheckClientRef(context.Background(), f, 7, id(5)); err != nil {
		t.Errorf("own client: %v", err)
	}
	if err := domain.CheckClientRef(context.Background(), f, 7, nil); err != nil {
		t.Errorf("no client: %v", err)
	}
	if err := domain.CheckClientRef(context.Background(), f, 7, id(6)); domain.ErrorField(err) != "client_id" {
		t.Errorf("another user's client: %v, want EINVALID on client_id", err)
	}
}

// A failure to look up (the database down) keeps its own code: it is not
// a problem with the input, and must not be shown as one.
func TestRefCheckFailureIsNotInvalid(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:5432: connection refused")
	unavailable := domain.Errorf(domain.EUNAVAILABLE, "The database cannot be reached.")
	task := int64(10)
	for _, cause := range []error{down, unavailable, context.Canceled} {
		f := finder{err: cause}
		_, err := domain.CheckEntryRefs(context.Background(), f, 7, 1, &task)
		if domain.ErrorCode(err) == domain.EINVALID || !errors.Is(err, cause) {
			t.Errorf("CheckEntryRefs with %v = %v (code %s), want the cause wrapped, not EINVALID", cause, err, domain.ErrorCode(err))
		}
		c := int64(5)
		err = domain.CheckClientRef(context.Background(), f, 7, &c)
		if domain.ErrorCode(err) == domain.EINVALID || !errors.Is(err, cause) {
			t.Errorf("CheckClientRef with %v = %v, want the cause wrapped, not EINVALID", cause, err)
		}
	}
	// And once the project is found, a failing task lookup is not a bad task.
	f := failingTasks{finder{projects: map[int64]*domain.Project{1: {ID: 1, UserID: 7}}}, down}
	if _, err := domain.CheckEntryRefs(context.Background(), f, 7, 1, &task); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("task lookup failing: %v (code %s), want EINTERNAL", err, domain.ErrorCode(err))
	}
}

type failingTasks struct {
	finder
	err error
}

func (f failingTasks) FindTask(context.Context, int64, int64) (*domain.Task, error) {
	return nil, f.err
}
