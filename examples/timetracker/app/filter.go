package app

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// FilterParams are the query parameters of the entry and report filters,
// shared by the API and the pages: project_id, client_id, task_id and
// tag_id (positive IDs of the user's own objects) and billable (true or
// false; empty or "any" does not filter).
var FilterParams = []string{"project_id", "client_id", "task_id", "tag_id", "billable"}

// ParseFilters reads the filter parameters of q into f, leaving its range
// and limit as they are. A malformed value is EINVALID naming its
// parameter.
func ParseFilters(q url.Values, f *domain.EntryFilter) error {
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"project_id", &f.ProjectID}, {"client_id", &f.ClientID}, {"task_id", &f.TaskID}, {"tag_id", &f.TagID}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			*p.dst = 0
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return domain.FieldError(p.name, "Must be a positive integer, the ID of one of your %s.", strings.TrimSuffix(p.name, "_id")+"s")
		}
		*p.dst = id
	}
	switch v := strings.TrimSpace(q.Get("billable")); strings.ToLower(v) {
	case "", "any":
		f.Billable = nil
	case "true", "1", "yes":
		f.Billable = ptrTo(true)
	case "false", "0", "no":
		f.Billable = ptrTo(false)
	default:
		return domain.FieldError("billable", "Use true or false (or leave it out for both).")
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

// FilterFinder finds what filters refer to; the store implements it.
type FilterFinder interface {
	domain.RefFinder
	FindTag(ctx context.Context, userID, id int64) (*domain.Tag, error)
}

// CheckFilterRefs checks that the objects f filters by are the user's: an
// ID of someone else's object, or of none, is EINVALID naming its
// parameter, as a malformed one is. Other failures are returned wrapped.
func CheckFilterRefs(ctx context.Context, s FilterFinder, userID int64, f domain.EntryFilter) error {
	check := func(param, what string, id int64, find func() error) error {
		if id == 0 {
			return nil
		}
		err := find()
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.FieldError(param, "Choose one of your %s.", what)
		} else if err != nil {
			return fmt.Errorf("check %s: %w", param, err)
		}
		return nil
	}
	if err := check("project_id", "projects", f.ProjectID, func() error { _, err := s.FindProject(ctx, userID, f.ProjectID); return err }); err != nil {
		return err
	}
	if err := check("client_id", "clients", f.ClientID, func() error { _, err := s.FindClient(ctx, userID, f.ClientID); return err }); err != nil {
		return err
	}
	if err := check("task_id", "tasks", f.TaskID, func() error { _, err := s.FindTask(ctx, userID, f.TaskID); return err }); err != nil {
		return err
	}
	return check("tag_id", "tags", f.TagID, func() error { _, err := s.FindTag(ctx, userID, f.TagID); return err })
}

// ParseGroupBy reads a report's group_by; empty is by project.
func ParseGroupBy(v string) (domain.GroupBy, error) {
	if v == "" {
		return domain.GroupByProject, nil
	}
	for _, g := range domain.GroupBys {
		if string(g) == v {
			return g, nil
		}
	}
	return "", domain.FieldError("group_by", "Use project, client, task, tag, day, week or month.")
}

// Filtered reports whether f filters by anything beyond its range (for
// analytics, which gets this boolean and never the values).
func Filtered(f domain.EntryFilter) bool {
	return f.ProjectID != 0 || f.ClientID != 0 || f.TaskID != 0 || f.TagID != 0 || f.Billable != nil
}
