package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// APIPrefix is where the JSON API lives; every other path is a page.
const APIPrefix = "/api/v1"

// StatusClientClosedRequest is the status recorded (in the request log and
// the metrics) for a request whose client hung up before the answer:
// nginx's convention, 499. The client never sees it; it keeps a hang-up
// from counting as a server failure.
const StatusClientClosedRequest = 499

// RetryAfter is the Retry-After, in seconds, of a 503 answer.
const RetryAfter = 5

// statusOf is the one mapping from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	domain.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	domain.ETOOMANY:      http.StatusTooManyRequests,
	domain.EINTERNAL:     http.StatusInternalServerError,
	domain.EUNAVAILABLE:  http.StatusServiceUnavailable,
	domain.ECANCELED:     StatusClientClosedRequest,
}

// Status returns the HTTP status for err's domain code; any error without
// one is a 500.
func Status(err error) int {
	if s, ok := statusOf[domain.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// FormStatus is the status of an HTML form shown again because of err:
// 422 for input the user can fix (EINVALID, ECONFLICT), as a page that
// keeps the form says, and [Status] otherwise.
func FormStatus(err error) int {
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.ECONFLICT:
		return http.StatusUnprocessableEntity
	}
	return Status(err)
}

// Classify returns err as it is to be answered: a failure caused by the
// request's context being cancelled (the client hung up) becomes
// ECANCELED; otherwise classify, when not nil, may recognise it (an
// unreachable database: EUNAVAILABLE). Errors that already carry a domain
// code other than EINTERNAL are left alone. The API and the pages both use
// it, so both answer the same error the same way.
func Classify(r *http.Request, err error, classify func(ctx context.Context, err error) error) error {
	if err == nil || domain.ErrorCode(err) != domain.EINTERNAL {
		return err
	}
	if errors.Is(r.Context().Err(), context.Canceled) && errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w: %w", domain.Errorf(domain.ECANCELED, "The request was cancelled by the client."), err)
	}
	if classify != nil {
		return classify(r.Context(), err)
	}
	return err
}

// IsAPI reports whether r is a request to the JSON API, to be answered in
// its JSON shape rather than with a page.
func IsAPI(r *http.Request) bool {
	return r.URL.Path == APIPrefix || strings.HasPrefix(r.URL.Path, APIPrefix+"/")
}

// Errors answers an error in the kind the request is of: JSON for the API
// (see [IsAPI]), a page for everything else. Both answer with [Status] of
// the error; JSON and HTML are the API's and the pages' own Error
// methods. A nil one falls back to plain text with the status and the
// error's user-facing message, never its internals.
type Errors struct {
	JSON func(w http.ResponseWriter, r *http.Request, err error)
	HTML func(w http.ResponseWriter, r *http.Request, err error)
}

// Error answers err for r.
func (e Errors) Error(w http.ResponseWriter, r *http.Request, err error) {
	h := e.HTML
	if IsAPI(r) {
		h = e.JSON
	}
	if h == nil {
		http.Error(w, domain.ErrorMessage(err), Status(err))
		return
	}
	h(w, r, err)
}
