-- The initial schema. Times are TEXT in one fixed-width UTC layout,
-- 2006-01-02T15:04:05.000000Z, so that comparing and sorting the text
-- compares and sorts the instants, and a person reading the file with the
-- sqlite3 shell sees dates. Booleans are 0 or 1.

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT    NOT NULL,
    name              TEXT    NOT NULL DEFAULT '',
    role              TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    password_hash     TEXT    NOT NULL DEFAULT '',
    analytics_opt_out INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    hash         BLOB    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT
);
CREATE UNIQUE INDEX tokens_hash_key ON tokens (hash);
CREATE INDEX tokens_user_id_idx ON tokens (user_id);

CREATE TABLE sessions (
    id_hash    BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX clients_user_id_idx ON clients (user_id);

-- Deleting a client keeps its projects, without a client.
CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  INTEGER REFERENCES clients (id) ON DELETE SET NULL,
    name       TEXT    NOT NULL,
    billable   INTEGER NOT NULL DEFAULT 0,
    archived   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX projects_user_id_idx ON projects (user_id);
CREATE INDEX projects_client_id_idx ON projects (client_id);

-- Deleting a project deletes its tasks.
CREATE TABLE tasks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX tasks_user_id_idx ON tasks (user_id);
CREATE INDEX tasks_project_id_idx ON tasks (project_id);

-- Deleting a project deletes its entries; deleting a task keeps its entries,
-- without a task. An entry without an end is a running timer.
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    task_id    INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
    start_at   TEXT    NOT NULL,
    end_at     TEXT,
    notes      TEXT    NOT NULL DEFAULT '',
    billable   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    CHECK (end_at IS NULL OR end_at >= start_at)
);
CREATE INDEX entries_user_start_idx ON entries (user_id, start_at);
CREATE INDEX entries_project_id_idx ON entries (project_id);
CREATE INDEX entries_task_id_idx ON entries (task_id);
-- At most one running timer per user, held by the database itself so that
-- it also holds when several processes start timers at once.
CREATE UNIQUE INDEX entries_one_running_key ON entries (user_id) WHERE end_at IS NULL;
