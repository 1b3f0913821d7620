-- Reports sum finished entries by the user and a range of start times, so
-- one index holds everything they read: the user, the start (the range),
-- then the end, the project and the billable flag, which the sums need.
-- The summary is then answered from the index alone, without touching the
-- table rows (which carry the notes). Running timers are left out of the
-- index, as they are out of the reports.
CREATE INDEX entries_report_idx ON entries (user_id, start_at, end_at, project_id, billable)
    WHERE end_at IS NOT NULL;
