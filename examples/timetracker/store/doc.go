// Package store is the time tracker's storage: a [database/sql]
// implementation of every service interface of package domain, on SQLite
// (the embedded default, through the pure-Go modernc.org/sqlite) or on
// PostgreSQL (through pgx), with versioned migrations embedded in the
// binary.
//
// # Opening and migrating
//
// [Open] picks the engine from the DSN: postgres:// or postgresql:// is
// PostgreSQL, anything else the path of an SQLite file ("" means
// [DefaultPath]; a "sqlite:" prefix is allowed). Every SQLite connection of
// the pool runs in WAL mode with a 5 s busy timeout, foreign keys on and
// synchronous=NORMAL, and starts its transactions with BEGIN IMMEDIATE.
// [DB.Migrate] applies the migrations under migrations/sqlite or
// migrations/postgres that the schema_migrations table does not list yet,
// each in a transaction; several processes may run it at once. [DB.SQL]
// hands the pool to metrics.ObserveDB, and [DB.Ping] serves /readyz.
//
// # Users and their data
//
// Every method that reads or writes a user's objects takes that user's ID
// and touches only their rows: another user's object answers ENOTFOUND,
// exactly as a missing one does. A reference to an object the caller does
// not own (a project of someone else's as an entry's project, say) is
// EINVALID naming the field, such as project_id. The store also checks
// what the schema cannot: an entry's task belongs to the entry's project,
// a project's client and a task's project belong to the same user. Names
// are trimmed and required; emails are stored trimmed and lower-cased and
// are unique (a taken one is ECONFLICT on field email). The first user
// created becomes an admin, decided atomically even when two sign-ups
// race.
//
// # Deleting
//
//   - Deleting a user deletes all their rows: tokens, sessions, clients,
//     projects, tasks, entries, tags and the tags' links to entries
//     (ON DELETE CASCADE).
//   - Deleting an entry or a tag removes the link between them; the
//     other stays.
//   - Deleting a client keeps its projects, without a client.
//   - Deleting a project deletes its tasks and its time entries; archive
//     it instead to keep the history.
//   - Deleting a task keeps its entries, without a task.
//   - Moving a task to another project moves its entries with it.
//
// # The running timer
//
// An entry without an end is a running timer, and each user has at most
// one. The database enforces that with a partial unique index on
// entries(user_id) WHERE end_at IS NULL, so the rule holds when several
// app processes share one PostgreSQL and two of them start a timer for
// the same user at the same moment: one insert wins, the other is
// ECONFLICT ("a timer is already running").
//
// # Times
//
// Times are stored in UTC to the microsecond (PostgreSQL's precision; the
// SQLite store truncates the same way so both behave alike): TIMESTAMPTZ
// on PostgreSQL, fixed-width RFC 3339 text such as
// 2026-01-02T15:04:05.000000Z on SQLite, which sorts as time does. They
// come back in UTC. Entry filters and reports take From inclusive and To
// exclusive, compared with an entry's start.
//
// # Tags
//
// Each user has a vocabulary of tags, unique whatever their case, created
// the first time an entry names them (an entry's Tags are set on create
// and update, see [DB.CreateEntry]; [DB.EnsureTags] creates them without
// an entry). The links (entry_tags) carry the user in both foreign keys,
// so the database refuses one user's tag on another user's entry.
//
// # Reports
//
// [DB.Report] totals finished entries that pass a [domain.ReportFilter]
// (project, client, task, tag, billable) by project (with a breakdown by
// task), client (projects without one share a [NoClientLabel] row, listed
// last), task, tag, or the day, ISO week or month of the entry's start in
// a given location; [DB.Summary] and [DB.SummaryIn] are the unfiltered
// forms. Running timers are not counted: a report states recorded work
// and should match the CSV of the same range. Each entry counts its whole
// seconds, so a report's totals equal the sums of its rows, except by
// tag: an entry with several tags counts under each, and the totals count
// it once.
package store
