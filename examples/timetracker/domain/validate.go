package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Input limits, in characters. They are defined here only: the store, the
// JSON API and the pages all check input through the Validate methods and
// the helpers below.
const (
	MaxNameLen  = 200    // a client, project, task, token or user name
	MaxNotesLen = 10_000 // an entry's notes
)

// CheckText refuses text the database cannot store (invalid UTF-8, NUL
// bytes), so that such input is a 400 naming field rather than a 500, and
// both engines hold the same text.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return FieldError(field, "Use valid UTF-8 text without NUL characters.")
	}
	return nil
}

// CleanName trims a required name and checks that it is present, storable
// and at most MaxNameLen characters. what names the object in the message
// ("client" gives "Enter a name for the client.").
func CleanName(field, what, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, "Enter a name for the %s.", what)
	}
	return CleanOptionalName(field, s)
}

// CleanOptionalName trims a name that may be empty (a user's) and checks
// that it is storable and at most MaxNameLen characters.
func CleanOptionalName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := CheckText(field, s); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(s) > MaxNameLen {
		return "", FieldError(field, "The name is too long: at most %d characters.", MaxNameLen)
	}
	return s, nil
}

// CheckNotes checks an entry's notes: storable and at most MaxNotesLen
// characters.
func CheckNotes(s string) error {
	if utf8.RuneCountInString(s) > MaxNotesLen {
		return FieldError("notes", "Notes are too long: at most %s characters.", thousands(MaxNotesLen))
	}
	return CheckText("notes", s)
}

// CheckTime refuses a zero time and one outside the years 1 to 9999, which
// the database's fixed-width time format cannot hold.
func CheckTime(field string, t time.Time) error {
	if t.IsZero() {
		return FieldError(field, "%s is required.", fieldLabel(field))
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return FieldError(field, "%s is out of range.", fieldLabel(field))
	}
	return nil
}

func fieldLabel(field string) string {
	if field == "" {
		return "The value"
	}
	s := strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// thousands writes n with commas: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Validate trims the client's name and checks it.
func (c *Client) Validate() error {
	name, err := CleanName("name", "client", c.Name)
	c.Name = name
	return err
}

// Validate trims the project's name and checks it. That its client is the
// user's is for [CheckClientRef], which needs the store.
func (p *Project) Validate() error {
	name, err := CleanName("name", "project", p.Name)
	p.Name = name
	return err
}

// Validate trims the task's name and checks it.
func (t *Task) Validate() error {
	name, err := CleanName("name", "task", t.Name)
	t.Name = name
	return err
}

// Validate checks the entry's own fields: a start, an end (if any) not
// before it, both storable, and the notes. The operator's longest entry
// is checked by [Entry.CheckLength], and that the project and task are
// the user's by [CheckEntryRefs].
func (e *Entry) Validate() error {
	if err := CheckTime("start", e.Start); err != nil {
		return err
	}
	if e.End != nil {
		if err := CheckTime("end", *e.End); err != nil {
			return err
		}
		if e.End.Before(e.Start) {
			return FieldError("end", "The end must not be before the start.")
		}
	}
	return CheckNotes(e.Notes)
}

// RefFinder finds the objects that projects and entries refer to, scoped
// to a user as every service is. The store implements it (also inside a
// transaction, with the rows locked), and so does anything holding a
// ProjectService, TaskService and ClientService.
type RefFinder interface {
	FindClient(ctx context.Context, userID, id int64) (*Client, error)
	FindProject(ctx context.Context, userID, id int64) (*Project, error)
	FindTask(ctx context.Context, userID, id int64) (*Task, error)
}

// CheckEntryRefs checks that projectID is one of the user's projects and
// taskID, when not nil, one of that project's tasks, and returns the
// project. A missing project or task, or another user's, is EINVALID on
// project_id or task_id. Any other failure (the database down, the
// request canceled) is returned wrapped with its own code, so that it is
// answered as the 500 or 503 it is and never as a problem with the input.
func CheckEntryRefs(ctx context.Context, f RefFinder, userID, projectID int64, taskID *int64) (*Project, error) {
	if projectID <= 0 {
		return nil, FieldError("project_id", "Choose a project.")
	}
	p, err := f.FindProject(ctx, userID, projectID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, FieldError("project_id", "Choose one of your projects.")
	} else if err != nil {
		return nil, fmt.Errorf("check project: %w", err)
	}
	if taskID == nil {
		return p, nil
	}
	t, err := f.FindTask(ctx, userID, *taskID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, FieldError("task_id", "Choose one of your tasks, or none.")
	} else if err != nil {
		return nil, fmt.Errorf("check task: %w", err)
	}
	if t.ProjectID != p.ID {
		return nil, FieldError("task_id", "This task belongs to another project.")
	}
	return p, nil
}

// CheckClientRef checks that clientID, when not nil, is one of the user's
// clients: EINVALID on client_id when not, and any other failure returned
// wrapped with its own code, as in [CheckEntryRefs].
func CheckClientRef(ctx context.Context, f RefFinder, userID int64, clientID *int64) error {
	if clientID == nil {
		return nil
	}
	_, err := f.FindClient(ctx, userID, *clientID)
	if ErrorCode(err) == ENOTFOUND {
		return FieldError("client_id", "Choose one of your clients, or none.")
	} else if err != nil {
		return fmt.Errorf("check client: %w", err)
	}
	return nil
}
