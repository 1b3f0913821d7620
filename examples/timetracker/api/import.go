package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// importAnswer is the answer of POST /import: the result, and when rows
// had problems and nothing was stored, the API's error object beside it.
type importAnswer struct {
	*domain.ImportResult
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// POST /import?format=auto|toggl|clockify|discreet&dry_run=true&date_order=mdy|dmy
//
// The body is the CSV itself (text/csv) or a multipart form with the file
// in field "file". A preview (dry_run=true) answers 200 with what would be
// created and every row's problem; an import with problems stores nothing
// and answers 400 with the same result and an error object.
func (a *API) importEntries(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	dry := false
	if v := qv.Get("dry_run"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return domain.FieldError("dry_run", "Use true or false.")
		}
		dry = b
	}
	body, closeBody, err := ImportBody(r)
	if err != nil {
		return err
	}
	defer closeBody()
	u := user(r)
	res, err := app.Import(r.Context(), a.store, u.ID, body, app.ImportOptions{
		Format: qv.Get("format"), DateOrder: qv.Get("date_order"), DryRun: dry,
		Location: app.Location(r.Context()),
	})
	if err != nil {
		return importError(err, "import")
	}
	ans := importAnswer{ImportResult: res}
	status := http.StatusOK
	if res.ProblemCount > 0 && !dry {
		status = http.StatusBadRequest
		ans.Error = &struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}{domain.EINVALID, ProblemSummary(res)}
	}
	if res.Imported {
		a.capture(r, app.EventEntriesImport, app.ImportEventProperties(res, "api"))
	}
	writeJSON(w, status, ans)
	return nil
}

// ProblemSummary is the one-line message of an import with problems.
func ProblemSummary(res *domain.ImportResult) string {
	rows := "1 problem"
	if res.ProblemCount != 1 {
		rows = fmt.Sprintf("%d problems", res.ProblemCount)
	}
	return fmt.Sprintf("The file has %s (see errors); nothing was imported.", rows)
}

// ImportBody returns the CSV of an import request: the body itself, or the
// field "file" of a multipart form. Any other content type is 415.
func ImportBody(r *http.Request) (io.Reader, func(), error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	switch mt {
	case "text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/octet-stream":
		return r.Body, func() {}, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, nil, importError(err, "read form")
		}
		f, _, err := r.FormFile("file")
		if errors.Is(err, http.ErrMissingFile) {
			return nil, nil, domain.FieldError("file", "Choose a CSV file to import.")
		} else if err != nil {
			return nil, nil, importError(err, "read file")
		}
		return f, func() { _ = f.Close() }, nil
	}
	return nil, nil, domain.Errorf(domain.EUNSUPPORTED, "Send the CSV as the body with Content-Type: text/csv, or as the field \"file\" of a multipart/form-data form.")
}

// importError makes a body over the server's limit a clear 413.
func importError(err error, what string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return domain.Errorf(domain.ETOOLARGE, "The upload is larger than %d MB; export a shorter range and import it in parts.", domain.MaxImportBytes>>20)
	}
	if domain.ErrorCode(err) == domain.EINTERNAL {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}
