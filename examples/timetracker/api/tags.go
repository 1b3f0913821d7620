package api

import "net/http"

// Tags are created by naming them on an entry or a timer ("tags":[...]);
// these routes list, rename and delete them.

// GET /tags: the caller's tags by name, each with its entry count.
func (a *API) listTags(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.store.FindTags(r.Context(), user(r).ID)
	if err != nil {
		return internal(err, "list tags")
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
	return nil
}

// GET /tags/{id}
func (a *API) getTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := a.store.FindTag(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find tag")
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// PATCH /tags/{id} {name}: renames the tag on every entry that carries
// it; 409 on name when another of the caller's tags has that name in any
// case.
func (a *API) patchTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name *string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.store.FindTag(r.Context(), user(r).ID, id)
	if err != nil {
		return internal(err, "find tag")
	}
	if in.Name != nil {
		t.Name = *in.Name
		if err := a.store.UpdateTag(r.Context(), t); err != nil {
			return internal(err, "update tag")
		}
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// DELETE /tags/{id}: the entries that carried it stay, without it.
func (a *API) deleteTag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteTag(r.Context(), user(r).ID, id); err != nil {
		return internal(err, "delete tag")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
