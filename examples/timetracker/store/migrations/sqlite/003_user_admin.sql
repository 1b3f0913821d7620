-- When a user last did something (signed in, or used a session or a
-- token), for the admin's user list; and whether an admin deactivated
-- the account (it cannot sign in, its sessions and tokens stop working).
ALTER TABLE users ADD COLUMN last_active_at TEXT;
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
