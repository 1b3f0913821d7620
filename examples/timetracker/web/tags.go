package web

import (
	"net/http"
	"net/url"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

type tagsData struct {
	Tags   []domain.Tag
	EditID int64 // the tag whose rename failed, shown with its error
}

// GET /tags: the user's tags with their entry counts, to rename or delete.
// Tags are created on entries and timers, not here.
func (s *Server) tagsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTags(w, r, http.StatusOK, nil, 0)
}

func (s *Server) showTags(w http.ResponseWriter, r *http.Request, status int, f *form, editID int64) error {
	ts, err := s.store.FindTags(r.Context(), userOf(r).ID)
	if err != nil {
		return internalf(err, "tags")
	}
	s.render(w, r, status, "tags", &page{Title: "Tags", Nav: "tags", Form: f, Data: tagsData{Tags: ts, EditID: editID}})
	return nil
}

// POST /tags/{id}: rename
func (s *Server) updateTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.store.FindTag(r.Context(), userOf(r).ID, id)
	if err != nil {
		return internalf(err, "find tag")
	}
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "The form could not be read.")
	}
	f := newForm(url.Values{"rename": {r.PostForm.Get("name")}})
	t.Name = r.PostForm.Get("name")
	err = s.store.UpdateTag(r.Context(), t)
	if err == nil {
		return s.redirect(w, r, "/tags", "tag-updated")
	}
	if !f.Fail(err, "rename") {
		return internalf(err, "update tag")
	}
	if msg, ok := f.Errors["name"]; ok {
		delete(f.Errors, "name")
		f.Errors["rename"] = msg
	}
	return s.showTags(w, r, http.StatusUnprocessableEntity, f, id)
}

// POST /tags/{id}/delete
func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTag(r.Context(), userOf(r).ID, id); err != nil {
		return internalf(err, "delete tag")
	}
	return s.redirect(w, r, "/tags", "tag-deleted")
}
