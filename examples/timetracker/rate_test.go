package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Rates through the API: set on the user, a client and a project, stored
// on each entry, kept when the rate changes later; the summary and the
// CSV carry the amounts in the installation's currency.
func TestRatesThroughTheAPI(t *testing.T) {
	app := newTestApp(t, map[string]string{"CURRENCY": "usd"})
	c, _ := app.register("a@example.org", "password-of-a", "A")
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var me struct {
		HourlyRate *float64 `json:"hourly_rate"`
	}
	c.must(http.StatusOK, "PATCH", "/api/v1/me", map[string]any{"hourly_rate": "40"}, &me)
	if me.HourlyRate == nil || *me.HourlyRate != 40 {
		t.Fatalf("user's rate %v", me.HourlyRate)
	}
	var cl, pr idOnly
	c.must(http.StatusCreated, "POST", "/api/v1/clients", map[string]any{"name": "C", "hourly_rate": 60}, &cl)
	c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "P", "client_id": cl.ID, "billable": true, "hourly_rate": 90.5}, &pr)
	var en struct {
		ID         int64   `json:"id"`
		HourlyRate float64 `json:"hourly_rate"`
	}
	c.must(http.StatusCreated, "POST", "/api/v1/entries", map[string]any{"project_id": pr.ID, "start": day, "end": day.Add(90 * time.Minute)}, &en)
	if en.HourlyRate != 90.5 {
		t.Errorf("entry's rate %v, want the project's 90.50", en.HourlyRate)
	}
	// A later change of the project's rate leaves the entry as it was.
	c.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/projects/%d", pr.ID), map[string]any{"hourly_rate": nil}, nil)
	c.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/entries/%d", en.ID), nil, &en)
	if en.HourlyRate != 90.5 {
		t.Errorf("after the project's rate was cleared the entry has %v", en.HourlyRate)
	}
	var rep struct {
		Currency string  `json:"currency"`
		Amount   float64 `json:"amount"`
		Rows     []struct {
			Amount float64 `json:"amount"`
		} `json:"rows"`
	}
	r := c.must(http.StatusOK, "GET", "/api/v1/reports/summary?from=2026-03-01&to=2026-03-07", nil, &rep)
	if rep.Currency != "USD" || rep.Amount != 135.75 || len(rep.Rows) != 1 || rep.Rows[0].Amount != 135.75 {
		t.Errorf("summary %s", r.body)
	}
	if !strings.Contains(string(r.body), `"amount":135.75`) {
		t.Errorf("amount not written with two places: %s", r.body)
	}
	r = c.must(http.StatusOK, "GET", "/api/v1/reports/entries.csv?from=2026-03-01&to=2026-03-07", nil, nil)
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV %q %v", r.body, err)
	}
	if got := strings.Join(rows[1][9:12], ","); got != "1.50,90.50,135.75" {
		t.Errorf("CSV hours, rate, amount: %q", got)
	}
	for _, bad := range []any{-1, "1.234", "lots", 1e9} {
		r := c.do("POST", "/api/v1/projects", map[string]any{"name": "Q", "hourly_rate": bad})
		if e := r.apiError(t); r.status != 400 || e.Error.Field != "hourly_rate" {
			t.Errorf("rate %v: %d %+v", bad, r.status, e)
		}
	}
}
