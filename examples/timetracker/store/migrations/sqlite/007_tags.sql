-- Tags: a small vocabulary of labels per user, put on entries. A tag's
-- name is unique per user whatever its case: name_key is the name folded
-- to lower case by the store, and the unique index is on it. A tag goes
-- with its user, and taking it off entries is deleting it.
CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX tags_user_name_key ON tags (user_id, name_key);
-- The targets of entry_tags' two-column keys.
CREATE UNIQUE INDEX tags_id_user_key ON tags (id, user_id);
CREATE UNIQUE INDEX entries_id_user_key ON entries (id, user_id);

-- Which tags an entry carries. Both keys include the user, so the database
-- itself refuses a tag of one user on an entry of another. Deleting the
-- entry, the tag or the user removes the row.
CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL,
    tag_id   INTEGER NOT NULL,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, tag_id),
    FOREIGN KEY (entry_id, user_id) REFERENCES entries (id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (tag_id, user_id) REFERENCES tags (id, user_id) ON DELETE CASCADE
);
CREATE INDEX entry_tags_tag_idx ON entry_tags (tag_id, entry_id);
CREATE INDEX entry_tags_user_idx ON entry_tags (user_id);

-- The report index also carries the task, which the task breakdown of
-- the project report and the task grouping need, so that those are still
-- read from the index alone. Its seconds expression must stay the text of
-- entrySeconds in report.go.
DROP INDEX entries_report_idx;
CREATE INDEX entries_report_idx ON entries (user_id, start_at, end_at, project_id, billable,
    (unixepoch(substr(end_at, 1, 19)) - unixepoch(substr(start_at, 1, 19)) - (substr(end_at, 21, 6) < substr(start_at, 21, 6))),
    hourly_rate, task_id)
    WHERE end_at IS NOT NULL;
