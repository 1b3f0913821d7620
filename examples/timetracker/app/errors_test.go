package app_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		err        error
		status     int
		formStatus int
	}{
		{domain.FieldError("name", "x"), 400, 422},
		{domain.Errorf(domain.ECONFLICT, "x"), 409, 422},
		{domain.Errorf(domain.EUNAUTHORIZED, "x"), 401, 401},
		{domain.Errorf(domain.EFORBIDDEN, "x"), 403, 403},
		{domain.Errorf(domain.ENOTFOUND, "x"), 404, 404},
		{domain.Errorf(domain.ETOOLARGE, "x"), 413, 413},
		{domain.Errorf(domain.EUNSUPPORTED, "x"), 415, 415},
		{domain.Errorf(domain.ETOOMANY, "x"), 429, 429},
		{domain.Errorf(domain.EUNAVAILABLE, "x"), 503, 503},
		{domain.Errorf(domain.ECANCELED, "x"), app.StatusClientClosedRequest, app.StatusClientClosedRequest},
		{domain.Errorf(domain.EINTERNAL, "x"), 500, 500},
		{domain.Errorf("made-up", "x"), 500, 500},
		{errors.New("plain"), 500, 500},
		{fmt.Errorf("wrapped: %w", domain.Errorf(domain.ENOTFOUND, "x")), 404, 404},
	} {
		if got := app.Status(tt.err); got != tt.status {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.status)
		}
		if got := app.FormStatus(tt.err); got != tt.formStatus {
			t.Errorf("FormStatus(%v) = %d, want %d", tt.err, got, tt.formStatus)
		}
	}
}

func TestClassify(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	live := httptest.NewRequest("GET", "/", nil)
	down := errors.New("connection refused")
	unavailable := func(_ context.Context, err error) error {
		if errors.Is(err, down) {
			return fmt.Errorf("%w: %w", domain.Errorf(domain.EUNAVAILABLE, "try again"), err)
		}
		return err
	}
	canceled := fmt.Errorf("query: %w", context.Canceled)
	if got := domain.ErrorCode(app.Classify(gone, canceled, unavailable)); got != domain.ECANCELED {
		t.Errorf("client hung up: %s, want %s", got, domain.ECANCELED)
	}
	if got := domain.ErrorCode(app.Classify(live, canceled, unavailable)); got != domain.EINTERNAL {
		t.Errorf("canceled but the client is there: %s, want %s", got, domain.EINTERNAL)
	}
	if got := domain.ErrorCode(app.Classify(live, down, unavailable)); got != domain.EUNAVAILABLE {
		t.Errorf("database down: %s, want %s", got, domain.EUNAVAILABLE)
	}
	invalid := domain.FieldError("name", "x")
	if got := app.Classify(gone, invalid, unavailable); got != invalid {
		t.Errorf("a coded error changed: %v", got)
	}
}

// One error is answered as JSON on an API path and as a page elsewhere,
// with the same status; without a renderer, as plain text that shows no
// internals.
func TestErrorsByRequestKind(t *testing.T) {
	e := app.Errors{
		JSON: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(app.Status(err))
		},
		HTML: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(app.Status(err))
		},
	}
	err := domain.Errorf(domain.EFORBIDDEN, "Cross-origin requests may not change anything.")
	for _, tt := range []struct{ path, kind string }{
		{"/api/v1/entries", "application/json"},
		{"/api/v1", "application/json"},
		{"/api/v10/entries", "text/html"},
		{"/entries", "text/html"},
		{"/", "text/html"},
	} {
		w := httptest.NewRecorder()
		e.Error(w, httptest.NewRequest("POST", tt.path, nil), err)
		if got := w.Header().Get("Content-Type"); got != tt.kind || w.Code != 403 {
			t.Errorf("%s: %s %d, want %s 403", tt.path, got, w.Code, tt.kind)
		}
	}
	w := httptest.NewRecorder()
	app.Errors{}.Error(w, httptest.NewRequest("GET", "/x", nil), fmt.Errorf("db: %w", errors.New("password=hunter2")))
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") || !strings.Contains(w.Body.String(), "Internal error.") {
		t.Errorf("fallback: %d %q", w.Code, w.Body.String())
	}
}
