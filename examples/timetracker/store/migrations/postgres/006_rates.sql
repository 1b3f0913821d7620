-- Hourly rates in cents of the installation's currency: a default on the
-- user and on each client, a rate on each project; NULL means none set.
-- Each entry keeps the rate in force when it was created or last edited
-- (the project's, else its client's, else the user's), so that changing a
-- rate later leaves recorded amounts as they were.
ALTER TABLE users ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate >= 0);
ALTER TABLE clients ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate >= 0);
ALTER TABLE projects ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate >= 0);
ALTER TABLE entries ADD COLUMN hourly_rate BIGINT CHECK (hourly_rate >= 0);

-- The report index also carries the entry's rate, which the amounts need.
DROP INDEX entries_report_idx;
CREATE INDEX entries_report_idx ON entries (user_id, start_at) INCLUDE (end_at, project_id, billable, hourly_rate)
    WHERE end_at IS NOT NULL;
