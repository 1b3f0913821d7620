package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// On SQLite every grouping, with or without filters, reads the entries
// from the covering report index alone (migration 007 added the task to
// it), never from the table rows that carry the notes.
func TestReportReadsTheCoveringIndex(t *testing.T) {
	db := newSQLite(t).migrated(t)
	ctx := t.Context()
	f := seed(t, db)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must(t, db.CreateEntry(ctx, &domain.Entry{UserID: f.a.ID, ProjectID: f.project.ID, Start: start, End: ptr(start.Add(time.Hour)), Tags: []string{"x"}}))
	berlin, err := time.LoadLocation("Europe/Berlin")
	must(t, err)
	for _, by := range domain.GroupBys {
		for _, ef := range []domain.EntryFilter{
			{From: start.AddDate(0, -1, 0), To: start.AddDate(0, 1, 0)},
			{From: start.AddDate(0, -1, 0), To: start.AddDate(0, 1, 0), ProjectID: f.project.ID, TaskID: f.task.ID, Billable: ptr(true), ClientID: f.client.ID, TagID: 1},
		} {
			plan, err := db.ReportPlan(ctx, f.a.ID, domain.ReportFilter{EntryFilter: ef, GroupBy: by, Location: berlin})
			must(t, err)
			for _, line := range strings.Split(plan, "\n") {
				if strings.Contains(line, " e ") && !strings.Contains(line, "COVERING INDEX entries_report_idx") {
					t.Errorf("%s, filters %v: entries read without the covering index:\n%s", by, ef.ProjectID != 0, plan)
				}
			}
			if !strings.Contains(plan, "COVERING INDEX entries_report_idx") {
				t.Errorf("%s: the plan does not use the report index:\n%s", by, plan)
			}
		}
	}
}

// Clearing an entry's tags, on every entry write, finds the rows by the
// primary key (entry first), not by the user's index, which would read all
// of the user's tag links each time.
func TestClearingTagsUsesThePrimaryKey(t *testing.T) {
	db := newSQLite(t).migrated(t)
	plan, err := db.Plan(t.Context(), store.DeleteEntryTagsSQL, 1, 1)
	must(t, err)
	if !strings.Contains(plan, "PRIMARY KEY") && !strings.Contains(plan, "sqlite_autoindex_entry_tags_1") || strings.Contains(plan, "entry_tags_user_idx") {
		t.Errorf("clearing an entry's tags is planned as:\n%s", plan)
	}
}
