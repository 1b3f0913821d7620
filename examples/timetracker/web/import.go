package web

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

type importData struct {
	Result *domain.ImportResult
	// CSV is the previewed file, sent back by the confirm form so that
	// the import stores exactly what was previewed without the server
	// keeping a copy.
	CSV       string
	Format    string // as detected, for the confirm form
	DateOrder string
	MaxMB     int
	MaxRows   int
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, f *form, d importData) {
	d.MaxMB, d.MaxRows = domain.MaxImportBytes>>20, domain.MaxImportRows
	s.render(w, r, status, "import", &page{Title: "Import entries", Nav: "entries", Form: f, Data: d})
}

// GET /import
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	f := newForm(nil)
	f.Values.Set("format", app.FormatAuto)
	s.renderImport(w, r, http.StatusOK, f, importData{})
	return nil
}

// POST /import: step "preview" reads the uploaded file and shows what it
// would create and every row's problem, storing nothing; step "confirm"
// imports the file the preview sent back.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	f := newForm(nil)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			f.Errors["file"] = "The file is too large: at most " + itoa(domain.MaxImportBytes>>20) + " MB."
			s.renderImport(w, r, http.StatusRequestEntityTooLarge, f, importData{})
			return nil
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return internalf(err, "import form")
		}
		if err := r.ParseForm(); err != nil {
			return internalf(err, "import form")
		}
	}
	for _, k := range []string{"format", "date_order"} {
		f.Values.Set(k, r.FormValue(k))
	}
	confirm := r.FormValue("step") == "confirm"
	var csv string
	if confirm {
		csv = r.FormValue("csv")
	} else {
		file, _, err := r.FormFile("file")
		if err != nil {
			f.Errors["file"] = "Choose the CSV file to import."
			s.renderImport(w, r, http.StatusBadRequest, f, importData{})
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(file, domain.MaxImportBytes+1))
		_ = file.Close()
		if err != nil {
			return internalf(err, "read import file")
		}
		if b, err = app.ImportText(b); err != nil {
			f.Errors["file"] = domain.ErrorMessage(err)
			s.renderImport(w, r, app.FormStatus(err), f, importData{})
			return nil
		}
		csv = string(b)
	}
	u := userOf(r)
	res, err := app.Import(r.Context(), s.store, u.ID, strings.NewReader(csv), app.ImportOptions{
		Format: r.FormValue("format"), DateOrder: r.FormValue("date_order"), DryRun: !confirm,
		Location: s.locOf(r),
	})
	if err != nil {
		if f.Fail(err, "file") {
			// A problem with an option (format, date_order) is shown
			// with the form; one with the file beside the file input.
			if fld := domain.ErrorField(err); fld != "" && fld != "file" {
				f.Errors[""] = f.Errors[fld]
			}
			status := app.FormStatus(err)
			s.renderImport(w, r, status, f, importData{})
			return nil
		}
		return internalf(err, "import")
	}
	if res.Imported {
		s.capture(r, app.EventEntriesImport, app.ImportEventProperties(res, "web"))
		return s.redirect(w, r, "/entries", "entries-imported")
	}
	d := importData{Result: res, Format: res.Format, DateOrder: res.DateOrder}
	status := http.StatusOK
	if res.ProblemCount == 0 {
		d.CSV = csv
	} else if confirm {
		status = http.StatusUnprocessableEntity
	}
	s.renderImport(w, r, status, f, d)
	return nil
}

// zoneLabel names loc for a page: its IANA name, or for the server's
// unnamed zone ("Local") the abbreviation in force at now.
func zoneLabel(loc *time.Location, now time.Time) string {
	if n := loc.String(); n != "Local" {
		return n
	}
	abbr, _ := now.In(loc).Zone()
	return "the server's (" + abbr + ")"
}
