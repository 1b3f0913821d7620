package domain

import (
	"context"
	"time"
)

// Import limits: a file larger than MaxImportBytes or holding more than
// MaxImportRows entries is refused as a whole, and an answer lists at most
// MaxImportErrors problems (with the total).
const (
	MaxImportBytes  = 10 << 20
	MaxImportRows   = 20_000
	MaxImportErrors = 100
)

// ImportRow is one entry read from an import file, with the names of the
// client, project and task it belongs to (found or created by name,
// ignoring case, under their parent). Start and End are instants; the
// parser has already read the file's local times in the user's zone.
type ImportRow struct {
	Line     int // the row's line in the file, counting the header as 1
	Client   string
	Project  string
	Task     string
	Notes    string
	Billable bool
	Start    time.Time
	End      time.Time // zero: the file has no end (a running timer), refused
	// Tags are the row's tags, trimmed and without duplicates.
	Tags []string
}

// ImportProblem is one thing wrong with a row of an import file.
type ImportProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"` // as the file's header names it
	Message string `json:"message"`
}

// ImportRequest is what [ImportService.ImportEntries] is asked to store.
// Columns maps the fields of a row (client, project, task, notes, start,
// end, tags) to the file's own column names, so that a problem names the
// column the user sees.
type ImportRequest struct {
	Rows    []ImportRow
	Columns map[string]string
	// DryRun checks and counts everything without storing anything.
	DryRun bool
}

// ProjectName names a project under its client ("" when none).
type ProjectName struct {
	Name   string `json:"name"`
	Client string `json:"client,omitempty"`
}

// TaskName names a task under its project.
type TaskName struct {
	Name    string `json:"name"`
	Project string `json:"project"`
	Client  string `json:"client,omitempty"`
}

// ImportResult is what an import stored, or with DryRun what it would
// store. When Problems is not empty nothing was stored.
type ImportResult struct {
	Format   string `json:"format"`
	DryRun   bool   `json:"dry_run"`
	Imported bool   `json:"imported"` // the entries were stored
	Entries  int    `json:"entries"`
	Seconds  int64  `json:"seconds"`
	// Hours is Seconds in decimal hours, to two places (written like an
	// amount: hundredths of an hour).
	Hours           Cents         `json:"hours"`
	BillableSeconds int64         `json:"billable_seconds"`
	NewClients      []string      `json:"new_clients"`
	NewProjects     []ProjectName `json:"new_projects"`
	NewTasks        []TaskName    `json:"new_tasks"`
	NewTags         []string      `json:"new_tags"`
	// RowsWithTags counts the rows that name at least one tag.
	RowsWithTags int `json:"rows_with_tags"`
	// Overlaps counts the rows that overlap another entry of the user's
	// (stored before or earlier in the file) without being a duplicate of
	// it; they are imported anyway unless the installation refuses
	// overlaps.
	Overlaps int `json:"overlaps"`
	// Duplicates counts the rows skipped because the user has an entry
	// with the same start, end, project, task and notes already (the
	// file, or part of it, imported before; or a row repeated in it).
	Duplicates int `json:"duplicates"`
	// DateOrder is how the file's dates were read (ymd, mdy or dmy).
	DateOrder string `json:"date_order,omitempty"`
	// Problems lists at most MaxImportErrors problems, in line order;
	// ProblemCount is how many there were in all.
	Problems     []ImportProblem `json:"errors"`
	ProblemCount int             `json:"error_count"`
}

// ImportService stores imported entries: all of them in one transaction,
// or none when any row has a problem.
type ImportService interface {
	// ImportEntries creates the user's missing clients, projects and tasks
	// named by the rows and the entries, each checked as any entry is,
	// with the rate in force stamped on it. It returns every row's
	// problem (and stores nothing) rather than stopping at the first; an
	// error is returned only for a failure of the store itself.
	ImportEntries(ctx context.Context, userID int64, req ImportRequest) (*ImportResult, error)
}
