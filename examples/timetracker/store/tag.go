package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Tags are stored once per user in tags, with the name as written and its
// key (domain.TagKey, lower case) under a unique index, and put on entries
// through entry_tags, whose two-column foreign keys make the database
// refuse a tag of one user on another user's entry.

const tagColumns = "t.id, t.user_id, t.name, t.created_at, t.updated_at"

// tagSep separates tag names in the one text column an entry's tags are
// read as; tag names cannot contain it (control characters are refused).
const tagSep = "\x1f"

// entryTagsCol is the SQL of a column holding the names of entry e's tags
// joined by tagSep, NULL when it has none.
func (x q) entryTagsCol() string {
	agg := "group_concat(tg.name, char(31))"
	if x.dialect == Postgres {
		agg = "string_agg(tg.name, chr(31))"
	}
	return "(SELECT " + agg + " FROM entry_tags et JOIN tags tg ON tg.id = et.tag_id WHERE et.entry_id = e.id)"
}

// tagsCol scans entryTagsCol into a sorted, non-nil list.
type tagsCol struct{ p *[]string }

func (c tagsCol) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	names := []string{}
	if s.Valid && s.String != "" {
		names = strings.Split(s.String, tagSep)
	}
	domain.SortTags(names)
	*c.p = names
	return nil
}

func scanTag(row interface{ Scan(...any) error }, withCount bool) (*domain.Tag, error) {
	var t domain.Tag
	dst := []any{&t.ID, &t.UserID, &t.Name, timeCol{&t.CreatedAt}, timeCol{&t.UpdatedAt}}
	if withCount {
		dst = append(dst, &t.Entries)
	}
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTags lists the user's tags by name (case folded), each with the
// number of entries that carry it.
func (db *DB) FindTags(ctx context.Context, userID int64) ([]domain.Tag, error) {
	return findTags(ctx, db.q(), userID)
}

func findTags(ctx context.Context, x q, userID int64) ([]domain.Tag, error) {
	rows, err := x.query(ctx, "SELECT "+tagColumns+`, (SELECT COUNT(*) FROM entry_tags et WHERE et.tag_id = t.id)
		FROM tags t WHERE t.user_id = ? ORDER BY t.name_key, t.name, t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: find tags: %w", err)
	}
	defer rows.Close()
	ts := []domain.Tag{}
	for rows.Next() {
		t, err := scanTag(rows, true)
		if err != nil {
			return nil, fmt.Errorf("store: find tags: %w", err)
		}
		ts = append(ts, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find tags: %w", err)
	}
	return ts, nil
}

// FindTag returns the user's tag with its entry count, or ENOTFOUND.
func (db *DB) FindTag(ctx context.Context, userID, id int64) (*domain.Tag, error) {
	t, err := scanTag(db.q().row(ctx, "SELECT "+tagColumns+`, (SELECT COUNT(*) FROM entry_tags et WHERE et.tag_id = t.id)
		FROM tags t WHERE t.id = ? AND t.user_id = ?`, id, userID), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tag")
	} else if err != nil {
		return nil, fmt.Errorf("store: find tag: %w", err)
	}
	return t, nil
}

// tagTaken is the unique index on a user's tag keys.
var tagTaken = []string{"tags_user_name_key", "tags.name_key"}

// UpdateTag renames one of t.UserID's tags (ENOTFOUND when not theirs);
// the new name is checked as any tag's, on field name, and is ECONFLICT
// on name when another of the user's tags has it in any case. Changing
// only the case of a name is a rename like any other.
func (db *DB) UpdateTag(ctx context.Context, t *domain.Tag) error {
	in := *t
	if err := in.Validate(); err != nil {
		return err
	}
	now := norm(db.now())
	out, err := scanTag(db.q().row(ctx, `UPDATE tags SET name = ?, name_key = ?, updated_at = ? WHERE id = ? AND user_id = ?
		RETURNING id, user_id, name, created_at, updated_at`,
		in.Name, domain.TagKey(in.Name), db.q().ts(now), in.ID, in.UserID), false)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("tag")
	} else if err != nil {
		if c, ok := violated(err); ok && c.kind == "unique" && c.is(tagTaken) {
			return &domain.Error{Code: domain.ECONFLICT, Field: "name", Message: fmt.Sprintf("You already have a tag named %q.", in.Name)}
		}
		return fmt.Errorf("store: update tag: %w", err)
	}
	if err := db.q().row(ctx, "SELECT COUNT(*) FROM entry_tags WHERE tag_id = ?", out.ID).Scan(&out.Entries); err != nil {
		return fmt.Errorf("store: update tag: %w", err)
	}
	*t = *out
	return nil
}

// DeleteTag deletes one of the user's tags; the entries that carried it
// stay, without it.
func (db *DB) DeleteTag(ctx context.Context, userID, id int64) error {
	res, err := db.q().exec(ctx, "DELETE FROM tags WHERE id = ? AND user_id = ?", id, userID)
	if err != nil {
		return fmt.Errorf("store: delete tag: %w", err)
	}
	return mustAffect(res, "tag")
}

// EnsureTags returns the user's tags named names, cleaned as an entry's
// (domain.CleanTags: EINVALID on tags for a bad name), creating the
// missing ones, in one transaction. An existing tag keeps its spelling:
// "urgent" finds the tag "Urgent".
func (db *DB) EnsureTags(ctx context.Context, userID int64, names []string) ([]domain.Tag, error) {
	clean, err := domain.CleanTags(names)
	if err != nil {
		return nil, err
	}
	var ts []domain.Tag
	err = db.inTx(ctx, func(x q) error {
		ts, err = ensureTags(ctx, x, userID, clean, norm(db.now()))
		return err
	})
	if err != nil {
		return nil, mapErr(err, "ensure tags", "")
	}
	return ts, nil
}

// ensureTags is EnsureTags inside a transaction, for names already
// cleaned; the tags come sorted by name.
func ensureTags(ctx context.Context, x q, userID int64, names []string, now time.Time) ([]domain.Tag, error) {
	ts := make([]domain.Tag, 0, len(names))
	for _, n := range names {
		key := domain.TagKey(n)
		// ON CONFLICT DO NOTHING: a tag created meanwhile by another
		// request is found by the SELECT below instead.
		if _, err := x.exec(ctx, `INSERT INTO tags (user_id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id, name_key) DO NOTHING`, userID, n, key, x.ts(now), x.ts(now)); err != nil {
			return nil, err
		}
		t, err := scanTag(x.row(ctx, "SELECT "+tagColumns+" FROM tags t WHERE t.user_id = ? AND t.name_key = ?"+x.forShare(), userID, key), false)
		if err != nil {
			return nil, err
		}
		ts = append(ts, *t)
	}
	return ts, nil
}

// deleteEntryTags clears an entry's tags. The user is checked as well, but
// written user_id + 0 so that SQLite looks the rows up by the primary key
// (entry first) rather than by entry_tags_user_idx, which would read every
// tag link of the user on each entry write.
const deleteEntryTags = "DELETE FROM entry_tags WHERE entry_id = ? AND user_id + 0 = ?"

// setEntryTags makes the tags of the user's entry exactly names (cleaned),
// creating the user's missing tags, and returns the names as stored,
// sorted.
func setEntryTags(ctx context.Context, x q, userID, entryID int64, names []string, now time.Time) ([]string, error) {
	if _, err := x.exec(ctx, deleteEntryTags, entryID, userID); err != nil {
		return nil, err
	}
	out := []string{}
	if len(names) == 0 {
		return out, nil
	}
	ts, err := ensureTags(ctx, x, userID, names, now)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if _, err := x.exec(ctx, "INSERT INTO entry_tags (entry_id, tag_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			entryID, t.ID, userID); err != nil {
			return nil, err
		}
		out = append(out, t.Name)
	}
	domain.SortTags(out)
	return out, nil
}
