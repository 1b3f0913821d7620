-- Reports sum finished entries by the user and a range of start times, so
-- one index holds everything they read: the user and the start (the range)
-- as keys, the end, the project and the billable flag as included columns,
-- which the sums need. The summary can then be an index-only scan that
-- never reads the table rows (which carry the notes). Running timers are
-- left out of the index, as they are out of the reports. Built inside the
-- migration's transaction, so writes to entries wait while it builds.
CREATE INDEX entries_report_idx ON entries (user_id, start_at) INCLUDE (end_at, project_id, billable)
    WHERE end_at IS NOT NULL;
