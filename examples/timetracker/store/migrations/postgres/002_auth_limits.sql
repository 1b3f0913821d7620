-- Rate-limit counters for sign-in and sign-up, kept in the database so
-- that every process sharing it counts together. A bucket is a prefix and
-- a SHA-256 hash (of an email, an address or both), never the email or
-- the address itself. A row whose reset_at has passed counts as zero and
-- is deleted by the hourly sweep.
CREATE TABLE auth_attempts (
    bucket   TEXT        PRIMARY KEY,
    hits     INTEGER     NOT NULL,
    reset_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_attempts_reset_at_idx ON auth_attempts (reset_at);
