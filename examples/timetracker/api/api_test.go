package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/logging"
)

// TestDecode checks every way a body is refused, with its code and field.
func TestDecode(t *testing.T) {
	type in struct {
		Name  string           `json:"name"`
		Count int              `json:"count"`
		When  *timestamp       `json:"when"`
		Ref   nullable[int64]  `json:"ref"`
		Tags  []string         `json:"tags"`
		Sub   struct{ A bool } `json:"sub"`
	}
	tests := []struct {
		name, ct, body string
		code, field    string
	}{
		{"ok", "application/json", `{"name":"x","when":"2026-01-01T00:00:00Z","ref":null}`, "", ""},
		{"charset", "application/json; charset=utf-8", `{"name":"x"}`, "", ""},
		{"no content type", "", `{"name":"x"}`, domain.EUNSUPPORTED, ""},
		{"text", "text/plain", `{"name":"x"}`, domain.EUNSUPPORTED, ""},
		{"unknown field", "application/json", `{"nme":"x"}`, domain.EINVALID, "nme"},
		{"string for int", "application/json", `{"count":"3"}`, domain.EINVALID, "count"},
		{"bad time", "application/json", `{"when":"monday"}`, domain.EINVALID, "when"},
		{"bad nullable", "application/json", `{"ref":true}`, domain.EINVALID, "ref"},
		{"array", "application/json", `[1]`, domain.EINVALID, ""},
		{"truncated", "application/json", `{"name":"x"`, domain.EINVALID, ""},
		{"trailing", "application/json", `{"name":"x"} {}`, domain.EINVALID, ""},
		{"empty", "application/json", ``, domain.EINVALID, ""},
		{"too large", "application/json", `{"name":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, domain.ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			var v in
			err := decode(httptest.NewRecorder(), r, &v)
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if got := domain.ErrorField(err); got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
		})
	}
}

func TestNullable(t *testing.T) {
	var v struct {
		A nullable[int64] `json:"a"`
		B nullable[int64] `json:"b"`
		C nullable[int64] `json:"c"`
	}
	r := httptest.NewRequest("PATCH", "/", strings.NewReader(`{"a":null,"b":7}`))
	r.Header.Set("Content-Type", "application/json")
	if err := decode(httptest.NewRecorder(), r, &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Set || v.A.Value != nil || !v.B.Set || *v.B.Value != 7 || v.C.Set {
		t.Fatalf("%+v", v)
	}
}

// TestErrorAnswer: one shape; a 500 never shows its cause.
func TestErrorAnswer(t *testing.T) {
	api := &API{log: slog.New(slog.DiscardHandler), now: time.Now}
	tests := []struct {
		err    error
		status int
		body   string
	}{
		{domain.FieldError("name", "Name is required."), 400, `{"error":{"code":"invalid","message":"Name is required.","field":"name"}}`},
		{domain.Errorf(domain.ETOOMANY, "Slow down."), 429, `{"error":{"code":"too_many","message":"Slow down."}}`},
		{&domain.Error{Code: domain.EINTERNAL, Message: "pq: relation users", Field: "x"}, 500, `{"error":{"code":"internal","message":"Internal error."}}`},
		{errors.New("store: find user: sql: database is closed"), 500, `{"error":{"code":"internal","message":"Internal error."}}`},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		api.Error(w, httptest.NewRequest("GET", "/", nil), tt.err)
		if w.Code != tt.status || strings.TrimSpace(w.Body.String()) != tt.body {
			t.Errorf("%v: %d %s, want %d %s", tt.err, w.Code, w.Body.String(), tt.status, tt.body)
		}
	}
}

// A 5xx is logged with the error's message and a stack trace that shows
// where it was logged, so an operator can find the failing code.
//
// claim: L3
func TestInternalErrorIsLoggedWithItsStack(t *testing.T) {
	var buf bytes.Buffer
	api := &API{log: slog.New(logging.NewJSONHandler(&buf, nil)), now: time.Now}
	api.Error(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/projects", nil),
		errors.New("store: find projects: database is locked"))
	var rec struct {
		Msg   string
		Error struct{ Message, Stack string }
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %v: %s", err, buf.String())
	}
	if rec.Error.Message != "store: find projects: database is locked" {
		t.Errorf("error.message = %q", rec.Error.Message)
	}
	if !strings.Contains(rec.Error.Stack, "api.(*API).Error") || !strings.Contains(rec.Error.Stack, "api.go:") {
		t.Errorf("error.stack does not show where the error was logged: %q", rec.Error.Stack)
	}
}

func TestWriteCSV(t *testing.T) {
	cid := int64(1)
	tid := int64(3)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	rate := domain.Cents(3333) // 1.5 h at 33.33: 49.995, rounded up to 50.00
	var buf bytes.Buffer
	err := app.WriteCSV(&buf,
		[]domain.Entry{
			{ID: 1, ProjectID: 2, TaskID: &tid, Start: start, End: &end, Notes: "+SUM(A1:A9)", Billable: true, HourlyRate: &rate,
				Tags: []string{"=cmd", "urgent"}},
			{ID: 2, ProjectID: 2, Start: end, Notes: "still running"},
		},
		[]domain.Project{{ID: 2, ClientID: &cid, Name: "@Project"}},
		[]domain.Client{{ID: 1, Name: "Client, Inc."}},
		[]domain.Task{{ID: 3, Name: "Task"}},
		end.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		app.CSVHeader,
		{"2026-03-02", "2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z", "5400", "Client, Inc.", "'@Project", "Task", "'+SUM(A1:A9)", "true", "1.50", "33.33", "50.00", "'=cmd, urgent"},
		{"2026-03-02", "2026-03-02T10:30:00Z", "", "1800", "Client, Inc.", "'@Project", "", "still running", "false", "0.50", "", "0.00", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, recs[i], want[i])
		}
	}
}
