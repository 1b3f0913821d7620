package domain

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Tag limits.
const (
	MaxTagLen    = 40 // characters of one tag's name
	MaxEntryTags = 20 // tags on one entry
)

// Tag is a label from the user's own vocabulary, put on entries. Names are
// unique per user whatever their case ("Urgent" and "urgent" are one tag);
// a tag is created the first time an entry names it.
type Tag struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"-"`
	Name   string `json:"name"`
	// Entries counts the entries that carry the tag, when listed.
	Entries   int64     `json:"entries"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TagKey is the form in which two tag names are compared: lower case, so
// that names differing only in case are the same tag.
func TagKey(name string) string { return strings.ToLower(name) }

// CleanTagName trims a tag's name and checks it, on field: present, at
// most MaxTagLen characters, valid UTF-8, and without commas (the pages
// separate tags with them) or control characters.
func CleanTagName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, "A tag must not be empty.")
	}
	if err := CheckText(field, s); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(s) > MaxTagLen {
		return "", FieldError(field, "The tag %q is too long: at most %d characters.", truncate(s, MaxTagLen), MaxTagLen)
	}
	for _, r := range s {
		if r == ',' {
			return "", FieldError(field, "A tag must not contain a comma: %q.", s)
		}
		if unicode.IsControl(r) {
			return "", FieldError(field, "A tag must not contain control characters.")
		}
	}
	return s, nil
}

// CleanTags trims and checks an entry's tag names (field "tags"), drops
// repeats that differ only in case (the first spelling wins), and returns
// them sorted. More than MaxEntryTags distinct tags is an error. Nil and
// empty give an empty, non-nil list.
func CleanTags(names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		c, err := CleanTagName("tags", n)
		if err != nil {
			return nil, err
		}
		if k := TagKey(c); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	if len(out) > MaxEntryTags {
		return nil, FieldError("tags", "An entry may have at most %d tags.", MaxEntryTags)
	}
	SortTags(out)
	return out, nil
}

// SplitTags reads the pages' comma-separated tags field: each part
// trimmed, empty parts dropped, then as [CleanTags].
func SplitTags(s string) ([]string, error) {
	var names []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			names = append(names, p)
		}
	}
	return CleanTags(names)
}

// SortTags sorts tag names as lists show them: by their key, then as
// written.
func SortTags(names []string) {
	slices.SortFunc(names, func(a, b string) int {
		if c := strings.Compare(TagKey(a), TagKey(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Validate trims the tag's name and checks it, on field "name".
func (t *Tag) Validate() error {
	name, err := CleanTagName("name", t.Name)
	t.Name = name
	return err
}

// TagService stores the users' tags. Tags are created by naming them on
// an entry (see [Entry.Tags]) or with EnsureTags.
type TagService interface {
	// FindTags lists the user's tags by name, each with its entry count.
	FindTags(ctx context.Context, userID int64) ([]Tag, error)
	// FindTag returns one of the user's tags, or ENOTFOUND.
	FindTag(ctx context.Context, userID, id int64) (*Tag, error)
	// UpdateTag renames one of the user's tags; ECONFLICT on name when
	// another of their tags has that name in any case.
	UpdateTag(ctx context.Context, t *Tag) error
	// DeleteTag deletes one of the user's tags, taking it off their
	// entries.
	DeleteTag(ctx context.Context, userID, id int64) error
	// EnsureTags returns the user's tags of the given names, in the order
	// of [CleanTags], creating those that do not exist yet.
	EnsureTags(ctx context.Context, userID int64, names []string) ([]Tag, error)
}
