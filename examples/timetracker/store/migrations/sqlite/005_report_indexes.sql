-- Reports sum finished entries by the user and a range of start times, so
-- one index holds everything they read: the user, the start (the range),
-- then the end, the project and the billable flag, which the sums need.
-- The summary is then answered from the index alone, without touching the
-- table rows (which carry the notes). Running timers are left out of the
-- index, as they are out of the reports.
--
-- The last column is the entry's whole seconds, the expression the store
-- sums (see entrySeconds in report.go, which must stay the same text up to
-- the table alias): SQLite then reads it from the index instead of parsing
-- two times per row.
CREATE INDEX entries_report_idx ON entries (user_id, start_at, end_at, project_id, billable,
    (unixepoch(substr(end_at, 1, 19)) - unixepoch(substr(start_at, 1, 19)) - (substr(end_at, 21, 6) < substr(start_at, 21, 6))))
    WHERE end_at IS NOT NULL;
