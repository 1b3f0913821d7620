// Package domain holds the time tracker's domain types, its error type with
// codes, and the service interfaces that the store implements and the API
// and web layers consume. It imports nothing of the application, so every
// other package can depend on it.
//
// Every service method that touches a user's data takes the caller's user
// ID and is scoped to it: asking for another user's object answers
// ENOTFOUND, never EFORBIDDEN, so that nobody learns it exists.
package domain

import (
	"context"
	"fmt"
	"time"
)

// Role is what a user may do beyond their own data.
type Role string

// Roles. The first user to register becomes an admin.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// User is an account. PasswordHash never leaves the server.
type User struct {
	ID              int64  `json:"id"`
	Email           string `json:"email"`
	Name            string `json:"name"`
	Role            Role   `json:"role"`
	PasswordHash    string `json:"-"`
	AnalyticsOptOut bool   `json:"analytics_opt_out"`
	// HourlyRate is the user's default rate, for projects whose own and
	// client's rates are not set; nil when none.
	HourlyRate *Cents    `json:"hourly_rate"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// LastActiveAt is when the user last signed in or used a session or a
	// token, to a few minutes; nil when never.
	LastActiveAt *time.Time `json:"last_active_at,omitempty"`
	// DeactivatedAt is when an admin deactivated the account; nil while
	// it is active. A deactivated user cannot sign in, and their sessions
	// and tokens do not work.
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
}

// Active reports whether the account may be used.
func (u *User) Active() bool { return u.DeactivatedAt == nil }

// UserUpdate lists the fields a user may change on their profile (R3). Nil
// fields stay as they are. PasswordHash is set by the auth layer after it
// has checked and hashed a new password.
type UserUpdate struct {
	Email           *string
	Name            *string
	PasswordHash    *string
	AnalyticsOptOut *bool
	// SetHourlyRate says to store HourlyRate (nil clears the rate).
	SetHourlyRate bool
	HourlyRate    *Cents
}

// Token is a personal API token. Only a hash of the secret is stored; the
// secret itself is shown once, when the token is created.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	Hash       []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Session is a signed-in browser. Only a hash of the session ID is stored.
type Session struct {
	IDHash    []byte
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Client is someone the user works for.
type Client struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"-"`
	Name   string `json:"name"`
	// HourlyRate is the default rate of the client's projects; nil when
	// none.
	HourlyRate *Cents    `json:"hourly_rate"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Project groups tasks and entries, optionally for a client.
type Project struct {
	ID       int64  `json:"id"`
	UserID   int64  `json:"-"`
	ClientID *int64 `json:"client_id"`
	Name     string `json:"name"`
	Billable bool   `json:"billable"`
	Archived bool   `json:"archived"`
	// HourlyRate is the project's rate; nil means the client's, else the
	// user's.
	HourlyRate *Cents    `json:"hourly_rate"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Task is a piece of work within a project.
type Task struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"-"`
	ProjectID int64     `json:"project_id"`
	Name      string    `json:"name"`
	Done      bool      `json:"done"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Entry is a span of time spent on a project. An entry whose End is nil is
// the user's running timer; there is at most one per user, a rule the
// database enforces.
type Entry struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"-"`
	ProjectID int64      `json:"project_id"`
	TaskID    *int64     `json:"task_id"`
	Start     time.Time  `json:"start"`
	End       *time.Time `json:"end"`
	Notes     string     `json:"notes"`
	Billable  bool       `json:"billable"`
	// HourlyRate is the rate in force when the entry was created or last
	// edited (its project's, else the client's, else the user's), kept so
	// that a later change of rate does not rewrite recorded amounts; nil
	// when no rate was set. The store sets it.
	HourlyRate *Cents `json:"hourly_rate"`
	// Tags are the names of the entry's tags, sorted (see [SortTags]).
	// The store sets an entry's tags to this list on create and update,
	// creating the user's tags it does not know yet; on the way out it
	// is never nil.
	Tags      []string  `json:"tags"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultMaxEntry is the longest an entry may be unless the operator
// chooses another limit (MAX_ENTRY_HOURS): a week, far more than any real
// stretch of work, and short enough that report totals cannot overflow.
const DefaultMaxEntry = 7 * 24 * time.Hour

// CheckLength refuses a stopped entry longer than max (zero means
// DefaultMaxEntry), on field "end". A running timer is not refused: when
// it has outlived max it is stopped at that length (see
// EntryService.StopTimer), so the time recorded is not lost.
func (e *Entry) CheckLength(max time.Duration) error {
	if max <= 0 {
		max = DefaultMaxEntry
	}
	if e.End != nil && e.End.Sub(e.Start) > max {
		return FieldError("end", "An entry may last at most %s.", Hours(max))
	}
	return nil
}

// Hours writes a limit such as 168 hours for messages.
func Hours(d time.Duration) string {
	h := d.Hours()
	if h == float64(int64(h)) {
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", int64(h))
	}
	return d.String()
}

// Running reports whether the entry is a running timer.
func (e *Entry) Running() bool { return e.End == nil }

// Duration is the entry's length; for a running timer, up to now.
func (e *Entry) Duration(now time.Time) time.Duration {
	if e.End == nil {
		return now.Sub(e.Start)
	}
	return e.End.Sub(e.Start)
}

// EntryFilter selects entries. Zero fields do not filter. From is
// inclusive and To exclusive, both compared with the entry's start.
type EntryFilter struct {
	From      time.Time
	To        time.Time
	ProjectID int64
	ClientID  int64
	TaskID    int64
	// TagID keeps the entries that carry the tag.
	TagID int64
	// Billable, when set, keeps the billable (true) or the non-billable
	// (false) entries.
	Billable *bool
	Limit    int
}

// GroupBy is how a summary report groups entries.
type GroupBy string

// The report groupings. Weeks are ISO weeks, starting on Monday; days,
// weeks and months are taken in the report's location.
const (
	GroupByProject GroupBy = "project"
	GroupByClient  GroupBy = "client"
	GroupByTask    GroupBy = "task"
	GroupByTag     GroupBy = "tag"
	GroupByDay     GroupBy = "day"
	GroupByWeek    GroupBy = "week"
	GroupByMonth   GroupBy = "month"
)

// GroupBys lists every grouping, in the order pages offer them.
var GroupBys = []GroupBy{GroupByProject, GroupByClient, GroupByTask, GroupByTag, GroupByDay, GroupByWeek, GroupByMonth}

// ReportFilter is what a summary report covers and how it groups it: the
// entries of [EntryFilter] (its Limit is ignored), grouped by GroupBy,
// with days, weeks and months taken in Location (nil is UTC).
type ReportFilter struct {
	EntryFilter
	GroupBy  GroupBy
	Location *time.Location
}

// ReportRow is one group of a summary report. Seconds counts every entry of
// the group, BillableSeconds only the billable ones.
type ReportRow struct {
	Key             string `json:"key"`   // project or client ID, or the day as 2006-01-02
	Label           string `json:"label"` // project or client name, or the day
	Seconds         int64  `json:"seconds"`
	BillableSeconds int64  `json:"billable_seconds"`
	// Amount is the billable entries' seconds times each one's stored
	// hourly rate, rounded to the cent once per row.
	Amount Cents `json:"amount"`
	// Tasks breaks a project row down by task, when grouping by project:
	// one row per task, and one with a nil TaskID for the entries
	// without a task. Nil for other groupings.
	Tasks []TaskRow `json:"tasks,omitempty"`
}

// TaskRow is one task's share of a project row.
type TaskRow struct {
	TaskID          *int64 `json:"task_id"`
	Task            string `json:"task"`
	Seconds         int64  `json:"seconds"`
	BillableSeconds int64  `json:"billable_seconds"`
	Amount          Cents  `json:"amount"`
}

// Report is a summary over a date range.
type Report struct {
	From            time.Time   `json:"from"`
	To              time.Time   `json:"to"`
	GroupBy         GroupBy     `json:"group_by"`
	Rows            []ReportRow `json:"rows"`
	Seconds         int64       `json:"seconds"`
	BillableSeconds int64       `json:"billable_seconds"`
	// Amount is the sum of the rows' amounts, so the rows add up to it.
	Amount Cents `json:"amount"`
}

// Export is everything the application holds about one user (R1).
type Export struct {
	ExportedAt time.Time `json:"exported_at"`
	User       User      `json:"user"`
	Tokens     []Token   `json:"tokens"`
	Clients    []Client  `json:"clients"`
	Projects   []Project `json:"projects"`
	Tasks      []Task    `json:"tasks"`
	Entries    []Entry   `json:"entries"`
	Tags       []Tag     `json:"tags"`
	Consent    struct {
		AnalyticsOptOut bool `json:"analytics_opt_out"`
	} `json:"consent"`
}

// UserService stores accounts.
type UserService interface {
	// CreateUser stores u; the first user ever created becomes an admin.
	CreateUser(ctx context.Context, u *User) error
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// DeleteUser removes the user and every row that belongs to them. The
	// last active admin cannot be deleted (ECONFLICT).
	DeleteUser(ctx context.Context, id int64) error
	CountUsers(ctx context.Context) (int, error)
	// FindUsers lists every account, oldest first, for the admin page.
	FindUsers(ctx context.Context) ([]User, error)
	// SetUserRole makes the user an admin or a plain user; demoting the
	// last active admin is ECONFLICT.
	SetUserRole(ctx context.Context, id int64, role Role) (*User, error)
	// SetUserActive deactivates (ending the user's sessions) or
	// reactivates an account; deactivating the last active admin is
	// ECONFLICT.
	SetUserActive(ctx context.Context, id int64, active bool) (*User, error)
	// TouchUser records that the user was active at t.
	TouchUser(ctx context.Context, id int64, t time.Time) error
}

// TokenService stores personal API tokens.
type TokenService interface {
	CreateToken(ctx context.Context, t *Token) error
	FindTokens(ctx context.Context, userID int64) ([]Token, error)
	// FindTokenByHash returns the token whose hash is hash and marks it used.
	FindTokenByHash(ctx context.Context, hash []byte) (*Token, error)
	DeleteToken(ctx context.Context, userID, id int64) error
	// DeleteUserTokens revokes every token of the user but the one whose
	// ID is keep (0 keeps none), and returns how many it removed.
	DeleteUserTokens(ctx context.Context, userID, keep int64) (int64, error)
}

// SessionService stores browser sessions.
type SessionService interface {
	CreateSession(ctx context.Context, s *Session) error
	FindSession(ctx context.Context, idHash []byte) (*Session, error)
	DeleteSession(ctx context.Context, idHash []byte) error
	// DeleteUserSessions signs the user out everywhere except the session
	// whose hash is keep (nil keeps none), and returns how many it removed.
	DeleteUserSessions(ctx context.Context, userID int64, keep []byte) (int64, error)
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// Counter names one rate-limit counter and the length of its window. Key
// is opaque to the store; the auth layer makes it from hashes, never from
// an email or an address as such.
type Counter struct {
	Key    string
	Window time.Duration
}

// CounterState is a counter as it stands: the hits in its current window
// and when that window ends.
type CounterState struct {
	Key     string
	Hits    int
	ResetAt time.Time
}

// AttemptService keeps rate-limit counters where every process sharing the
// database sees them, so that limits hold per installation.
type AttemptService interface {
	// ReserveAttempts adds one hit to each counter, starting a new window
	// for a counter whose window has ended, in one statement, and returns
	// the counters as they now stand, in the order given. Concurrent
	// callers each see a different count.
	ReserveAttempts(ctx context.Context, cs []Counter) ([]CounterState, error)
	// ReleaseAttempts takes back one hit of each counter, if its window is
	// still the one in the state given.
	ReleaseAttempts(ctx context.Context, cs []CounterState) error
	// ClearAttempts forgets counters.
	ClearAttempts(ctx context.Context, keys ...string) error
	// CountAttempts returns the hits of a counter in its current window:
	// zero when it has none or its window has ended.
	CountAttempts(ctx context.Context, key string) (int, error)
	// SetAttempts sets a counter to hits until resetAt.
	SetAttempts(ctx context.Context, key string, hits int, resetAt time.Time) error
	// DeleteExpiredAttempts removes counters whose window ended at or
	// before now and returns how many.
	DeleteExpiredAttempts(ctx context.Context, now time.Time) (int64, error)
}

// ClientService stores clients.
type ClientService interface {
	CreateClient(ctx context.Context, c *Client) error
	FindClient(ctx context.Context, userID, id int64) (*Client, error)
	FindClients(ctx context.Context, userID int64) ([]Client, error)
	UpdateClient(ctx context.Context, c *Client) error
	DeleteClient(ctx context.Context, userID, id int64) error
}

// ProjectService stores projects.
type ProjectService interface {
	CreateProject(ctx context.Context, p *Project) error
	FindProject(ctx context.Context, userID, id int64) (*Project, error)
	FindProjects(ctx context.Context, userID int64, includeArchived bool) ([]Project, error)
	UpdateProject(ctx context.Context, p *Project) error
	DeleteProject(ctx context.Context, userID, id int64) error
}

// TaskService stores tasks.
type TaskService interface {
	CreateTask(ctx context.Context, t *Task) error
	FindTask(ctx context.Context, userID, id int64) (*Task, error)
	FindTasks(ctx context.Context, userID, projectID int64) ([]Task, error) // projectID 0: all
	UpdateTask(ctx context.Context, t *Task) error
	DeleteTask(ctx context.Context, userID, id int64) error
}

// EntryService stores time entries and the running timer.
type EntryService interface {
	CreateEntry(ctx context.Context, e *Entry) error
	FindEntry(ctx context.Context, userID, id int64) (*Entry, error)
	FindEntries(ctx context.Context, userID int64, f EntryFilter) ([]Entry, error)
	UpdateEntry(ctx context.Context, e *Entry) error
	DeleteEntry(ctx context.Context, userID, id int64) error

	// StartTimer creates a running entry; ECONFLICT when one is running.
	StartTimer(ctx context.Context, e *Entry) error
	// StopTimer ends the running entry at end; ENOTFOUND when none runs.
	// A timer longer than the entry limit ends at that length instead.
	StopTimer(ctx context.Context, userID int64, end time.Time) (*Entry, error)
	// StopOverlongTimer stops a running timer that is longer than the
	// entry limit, at that length, and returns it; nil when there is none.
	StopOverlongTimer(ctx context.Context, userID int64) (*Entry, error)
	// RunningTimer returns the running entry, or nil and no error.
	RunningTimer(ctx context.Context, userID int64) (*Entry, error)
	// Overlapping returns the IDs of the user's entries other than
	// exceptID whose span overlaps [start, end); a zero end, and a running
	// timer's, is now.
	Overlapping(ctx context.Context, userID int64, start, end time.Time, exceptID int64) ([]int64, error)
	// CountRunningTimers counts running timers of all users (a metric).
	CountRunningTimers(ctx context.Context) (int64, error)
}

// ReportService builds reports.
type ReportService interface {
	Summary(ctx context.Context, userID int64, from, to time.Time, by GroupBy) (*Report, error)
	// SummaryIn is Summary with days in loc rather than UTC.
	SummaryIn(ctx context.Context, userID int64, from, to time.Time, by GroupBy, loc *time.Location) (*Report, error)
	// Report is the summary of the entries that pass f, grouped by
	// f.GroupBy in f.Location.
	Report(ctx context.Context, userID int64, f ReportFilter) (*Report, error)
	// EachEntry is EachReportEntry for the entries that pass f (its
	// Limit aside).
	EachEntry(ctx context.Context, userID int64, f EntryFilter, oldestFirst bool, fn func(*ReportEntry) error) error
	// EachReportEntry calls fn with each of the user's entries that start
	// in [from, to), running ones too, latest first or oldest first, one
	// at a time as the database sends them; it stops at fn's first error
	// and returns it.
	EachReportEntry(ctx context.Context, userID int64, from, to time.Time, oldestFirst bool, fn func(*ReportEntry) error) error
}

// ReportEntry is an entry with the names a report shows beside it; Client
// and Task are empty when the entry has none.
type ReportEntry struct {
	Entry
	Project, Client, Task string
}

// ExportService gathers a user's data (R1).
type ExportService interface {
	Export(ctx context.Context, userID int64) (*Export, error)
}
