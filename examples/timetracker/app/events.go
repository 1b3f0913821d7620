package app

import (
	"github.com/discreet-dev/discreet/analytics"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// The product events the time tracker sends, when product analytics is on
// and the user has not opted out. This file is the whole list: an event or
// property that is not declared here never leaves the process.
const (
	EventSignedUp       = "user.signed_up"
	EventTimerStarted   = "timer.started"
	EventTimerStopped   = "timer.stopped"
	EventEntryCreated   = "entry.created"
	EventProjectCreated = "project.created"
	EventClientCreated  = "client.created"
	EventReportViewed   = "report.viewed"
	EventCSVExported    = "csv.exported"
	EventDataExported   = "data.exported"
	EventTimesheetSaved = "timesheet.saved"
	EventEntriesImport  = "entries.imported"
	EventXLSXExported   = "xlsx.exported"
)

// Schema declares every event with the properties it may carry: booleans,
// enums from fixed lists and coarse buckets only, so a name, a note or an
// email has nowhere to go.
var Schema = analytics.Schema{
	EventSignedUp: {
		"first_user": analytics.Bool, // the account became the admin
	},
	EventTimerStarted: {
		"has_task":  analytics.Bool,
		"has_notes": analytics.Bool,
		"billable":  analytics.Bool,
		"source":    analytics.Enum("api", "web"),
		"continued": analytics.Bool, // started from an entry with "continue"
		"has_tags":  analytics.Bool, // never the tags themselves
	},
	EventTimerStopped: {
		"duration": analytics.Duration,
		"source":   analytics.Enum("api", "web"),
	},
	EventEntryCreated: {
		"has_task":  analytics.Bool,
		"has_notes": analytics.Bool,
		"billable":  analytics.Bool,
		"duration":  analytics.Duration,
		"source":    analytics.Enum("api", "web"),
		"overlaps":  analytics.Bool, // it overlaps another entry (accepted with a warning)
		"has_tags":  analytics.Bool, // never the tags themselves
	},
	EventProjectCreated: {
		"billable":   analytics.Bool,
		"has_client": analytics.Bool,
		"source":     analytics.Enum("api", "web"),
	},
	EventClientCreated: {
		"source": analytics.Enum("api", "web"),
	},
	EventReportViewed: {
		"group_by": analytics.Enum("project", "client", "task", "tag", "day", "week", "month"),
		"rows":     analytics.Count,
		"source":   analytics.Enum("api", "web"),
		"filtered": analytics.Bool, // some filter beyond the range is set; never which value
	},
	EventCSVExported: {
		"entries":  analytics.Count,
		"source":   analytics.Enum("api", "web"),
		"filtered": analytics.Bool,
	},
	EventDataExported: {
		"entries": analytics.Count,
		"source":  analytics.Enum("api", "web"),
	},
	// A week saved on the timesheet page: how many entries it created,
	// moved and deleted, in buckets.
	EventTimesheetSaved: {
		"created":  analytics.Count,
		"updated":  analytics.Count,
		"deleted":  analytics.Count,
		"overlaps": analytics.Bool,
		"source":   analytics.Enum("api", "web"),
	},
	// Sent when an import is stored (not for a preview): the format and
	// how much it created, as counts; never a name from the file.
	EventEntriesImport: {
		"format":       analytics.Enum(FormatToggl, FormatClockify, FormatDiscreet),
		"entries":      analytics.Count,
		"new_clients":  analytics.Count,
		"new_projects": analytics.Count,
		"new_tasks":    analytics.Count,
		"has_tags":     analytics.Bool, // some row carried tags
		"overlaps":     analytics.Bool, // some entry overlaps another (accepted)
		"source":       analytics.Enum("api", "web"),
	},
	EventXLSXExported: {
		"report": analytics.Enum("entries", "summary"),
		"rows":   analytics.Count,
		"source": analytics.Enum("api", "web"),
	},
}

// ImportEventProperties are the declared properties of EventEntriesImport
// for an import that was stored.
func ImportEventProperties(res *domain.ImportResult, source string) analytics.Properties {
	return analytics.Properties{
		"format": res.Format, "entries": res.Entries, "new_clients": len(res.NewClients),
		"new_projects": len(res.NewProjects), "new_tasks": len(res.NewTasks),
		"has_tags": res.RowsWithTags > 0, "overlaps": res.Overlaps > 0, "source": source,
	}
}
