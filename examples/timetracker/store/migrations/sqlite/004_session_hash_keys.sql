-- The installation's session-hash keys for product analytics, one per
-- rotation period (a week starting Monday 00:00 UTC, as 2006-01-02), so
-- that every replica hashes a session alike. Numbered 004: 002 and 003 are
-- taken by the sign-in limits and user administration.
CREATE TABLE session_hash_keys (
    period     TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
