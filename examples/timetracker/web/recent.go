package web

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// How the timer form helps to repeat work: it preselects the project of
// the user's latest entry, and its notes field suggests the latest
// distinct notes of the chosen project (a datalist per project; app.js
// switches the field's list when another project is chosen, and without
// the script the suggestions are those of the preselected project).
// Notes are the user's own: they are shown only on the user's own pages,
// which are never cached (Cache-Control: no-store), and never logged.
const (
	recentEntries   = 300 // latest entries looked at
	recentNotes     = 10  // suggestions per project
	maxNoteSuggest  = 200 // longer notes are not suggested
	recentNotesList = "notes-for-"
)

type noteList struct {
	ID    string // the datalist's id, "notes-for-<project>"
	Notes []string
}

type recentWork struct {
	LastProject int64 // 0 when there is no entry, or its project is archived
	Lists       []noteList
}

// ListFor is the datalist id of a project's suggestions, or "" when it
// has none.
func (w recentWork) ListFor(projectID string) string {
	for _, l := range w.Lists {
		if l.ID == recentNotesList+projectID {
			return l.ID
		}
	}
	return ""
}

func (s *Server) recentWork(ctx context.Context, uid int64, cat *catalog) (recentWork, error) {
	es, err := s.store.FindEntries(ctx, uid, domain.EntryFilter{Limit: recentEntries})
	if err != nil {
		return recentWork{}, internalf(err, "recent entries")
	}
	var w recentWork
	seen := map[int64]map[string]bool{}
	var order []int64
	lists := map[int64][]string{}
	for _, e := range es { // latest first
		p := cat.project[e.ProjectID]
		if p == nil || p.Archived {
			continue
		}
		if w.LastProject == 0 {
			w.LastProject = p.ID
		}
		n := strings.TrimSpace(e.Notes)
		if n == "" || strings.ContainsAny(n, "\r\n") || utf8.RuneCountInString(n) > maxNoteSuggest {
			continue
		}
		if seen[p.ID] == nil {
			seen[p.ID] = map[string]bool{}
			order = append(order, p.ID)
		}
		if seen[p.ID][n] || len(lists[p.ID]) >= recentNotes {
			continue
		}
		seen[p.ID][n] = true
		lists[p.ID] = append(lists[p.ID], n)
	}
	for _, id := range order {
		w.Lists = append(w.Lists, noteList{ID: recentNotesList + strconv.FormatInt(id, 10), Notes: lists[id]})
	}
	return w, nil
}
