package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

type summaryJSON struct {
	GroupBy         string      `json:"group_by"`
	Seconds         int64       `json:"seconds"`
	BillableSeconds int64       `json:"billable_seconds"`
	Amount          json.Number `json:"amount"`
	Rows            []struct {
		Key     string      `json:"key"`
		Label   string      `json:"label"`
		Seconds int64       `json:"seconds"`
		Amount  json.Number `json:"amount"`
		Tasks   []struct {
			TaskID  *int64      `json:"task_id"`
			Task    string      `json:"task"`
			Seconds int64       `json:"seconds"`
			Amount  json.Number `json:"amount"`
		} `json:"tasks"`
	} `json:"rows"`
}

func (s summaryJSON) rows() string {
	var b strings.Builder
	for _, r := range s.Rows {
		fmt.Fprintf(&b, "%s=%d ", r.Label, r.Seconds)
	}
	return strings.TrimSpace(b.String())
}

// The summary's filters and groupings through the API: by tag an entry
// with two tags counts in both rows and once in the total; by project
// each row carries its task breakdown with a "No task" row; weeks start
// on Monday; filters narrow the summary, the list and the CSV alike; bad
// values are 400 naming the parameter.
func TestReportFiltersAPI(t *testing.T) {
	app := newTestApp(t, nil)
	c, _ := app.register("a@example.org", "password-of-a", "A")
	var acme, web, inhouse, design idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "Acme"}, &acme)
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Web", "client_id": acme.ID, "billable": true, "hourly_rate": "100.00"}, &web)
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Inhouse"}, &inhouse)
	c.must(http.StatusCreated, "POST", "/api/v1/tasks", map[string]any{"name": "Design", "project_id": web.ID}, &design)
	// Sunday 2026-03-01 and Monday 2026-03-02: two ISO weeks; 2026-04-01
	// another month.
	add := func(project int64, task *int64, start string, hours float64, tags ...string) {
		s, err := time.Parse(time.RFC3339, start)
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"project_id": project, "start": s, "end": s.Add(time.Duration(hours * float64(time.Hour))), "tags": tags}
		if task != nil {
			body["task_id"] = *task
		}
		c.must(http.StatusCreated, "POST", "/api/v1/entries", body, nil)
	}
	add(web.ID, &design.ID, "2026-03-01T09:00:00Z", 2, "urgent", "call") // billable, 200.00
	add(web.ID, nil, "2026-03-02T09:00:00Z", 1, "urgent")                // billable, 100.00
	add(inhouse.ID, nil, "2026-03-02T13:00:00Z", 0.5)                    // not billable
	add(inhouse.ID, nil, "2026-04-01T08:00:00Z", 1, "call")
	rng := "from=2026-03-01&to=2026-04-30"
	get := func(q string) summaryJSON {
		t.Helper()
		var s summaryJSON
		c.must(http.StatusOK, "GET", "/api/v1/reports/summary?"+rng+"&"+q, nil, &s)
		return s
	}

	s := get("group_by=tag")
	if s.rows() != "call=10800 urgent=10800 No tag=1800" || s.Seconds != 16200 || s.Amount != "300.00" {
		t.Errorf("by tag: %s, total %d, amount %s", s.rows(), s.Seconds, s.Amount)
	}
	s = get("group_by=project")
	if s.rows() != "Inhouse=5400 Web=10800" {
		t.Fatalf("by project: %s", s.rows())
	}
	webRow := s.Rows[1]
	if len(webRow.Tasks) != 2 || webRow.Tasks[0].Task != "Design" || webRow.Tasks[0].Seconds != 7200 || webRow.Tasks[0].Amount != "200.00" ||
		webRow.Tasks[1].TaskID != nil || webRow.Tasks[1].Task != "No task" || webRow.Tasks[1].Seconds != 3600 || webRow.Amount != "300.00" {
		t.Errorf("Web's task breakdown %+v", webRow)
	}
	if s = get("group_by=task"); s.rows() != "Web / Design=7200 No task=9000" {
		t.Errorf("by task: %s", s.rows())
	}
	if s = get("group_by=week"); s.rows() != "2026-W09=7200 2026-W10=5400 2026-W14=3600" || s.Rows[1].Key != "2026-03-02" {
		t.Errorf("by week: %s %+v", s.rows(), s.Rows)
	}
	if s = get("group_by=month"); s.rows() != "2026-03=12600 2026-04=3600" {
		t.Errorf("by month: %s", s.rows())
	}
	if s = get("group_by=client"); s.rows() != "Acme=10800 No client=5400" {
		t.Errorf("by client: %s", s.rows())
	}

	// Filters.
	var tags []tagJSON
	c.must(http.StatusOK, "GET", "/api/v1/tags", nil, &tags)
	ids := map[string]int64{}
	for _, tg := range tags {
		ids[tg.Name] = tg.ID
	}
	for q, want := range map[string]string{
		fmt.Sprintf("tag_id=%d&group_by=project", ids["call"]):                   "Inhouse=3600 Web=7200",
		fmt.Sprintf("tag_id=%d&group_by=day", ids["urgent"]):                     "2026-03-01=7200 2026-03-02=3600",
		"billable=false&group_by=project":                                        "Inhouse=5400",
		"billable=true&group_by=tag":                                             "call=7200 urgent=10800",
		fmt.Sprintf("client_id=%d&group_by=month", acme.ID):                      "2026-03=10800",
		fmt.Sprintf("task_id=%d&group_by=client", design.ID):                     "Acme=7200",
		fmt.Sprintf("project_id=%d&billable=false&group_by=project", inhouse.ID): "Inhouse=5400",
		fmt.Sprintf("project_id=%d&billable=true&group_by=project", inhouse.ID):  "",
	} {
		if s := get(q); s.rows() != want {
			t.Errorf("%s: %s, want %s", q, s.rows(), want)
		}
	}
	var list []idOnly
	c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/entries?%s&tag_id=%d&billable=true", rng, ids["call"]), nil, &list)
	if len(list) != 1 {
		t.Errorf("entries tagged call and billable: %+v", list)
	}
	r := c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/reports/entries.csv?%s&tag_id=%d", rng, ids["call"]), nil, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("filtered CSV %q %v", r.body, err)
	}

	// Bad values name their parameter.
	for _, q := range []string{"group_by=year", "billable=sometimes", "project_id=abc", "client_id=0", "task_id=-3", "tag_id=1.5", "tag_id=99999"} {
		for _, route := range []string{"/api/v1/reports/summary", "/api/v1/reports/entries.csv", "/api/v1/entries"} {
			param, _, _ := strings.Cut(q, "=")
			if param == "group_by" && route != "/api/v1/reports/summary" {
				continue
			}
			r := c.do("GET", route+"?"+q, nil)
			if r.status != http.StatusBadRequest || r.apiError(t).Error.Field != param {
				t.Errorf("%s?%s: %d %s, want 400 on %s", route, q, r.status, r.body, param)
			}
		}
	}
}
