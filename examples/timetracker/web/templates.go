package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assetVersions are short content hashes of the static files: pages link
// to /static/app.css?v=<hash>, which browsers may then cache for good.
var assetVersions = func() map[string]string {
	m := map[string]string{}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, _ := staticFS.ReadFile("static/" + e.Name())
		h := sha256.Sum256(b)
		m[e.Name()] = hex.EncodeToString(h[:6])
	}
	return m
}()

// serveStatic serves the embedded CSS, script and icon. A request naming
// the current version may be cached for a year; any other, revalidated.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if v := r.URL.Query().Get("v"); v != "" && v == assetVersions[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// parseTemplates parses each page together with the layout and the
// shared partials, so that every page defines its own "content".
func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// The one date and time format of every page, in lists as in inputs: ISO
// 8601 dates (2006-01-02), with the weekday in front where a day heads a
// list, and 24-hour times (15:04). Date inputs send and show the same
// format (the browser's date picker aside).
const (
	dateLayout = time.DateOnly
	dayLayout  = "Mon " + time.DateOnly
	timeLayout = "15:04"
)

// funcs are the templates' functions; dates and times are shown in loc.
func (s *Server) funcs(loc *time.Location) template.FuncMap {
	zoneName := domain.ZoneName(loc)
	return template.FuncMap{
		"logCopyNotice": func() string { return logCopyNotice },
		"asset": func(name string) string {
			return "/static/" + name + "?v=" + assetVersions[name]
		},
		// dur shows a length of time as hours and minutes, "1:05".
		"dur":     func(v any) string { return formatDuration(toDuration(v)) },
		"durLong": func(v any) string { return formatDurationLong(toDuration(v)) },
		"hours": func(v any) string {
			return fmt.Sprintf("%.2f", toDuration(v).Hours())
		},
		"clock":   func(t time.Time) string { return t.In(loc).Format(timeLayout) },
		"day":     func(t time.Time) string { return t.In(loc).Format(dayLayout) },
		"isoDate": func(t time.Time) string { return t.In(loc).Format(dateLayout) },
		"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"idStr":   func(id int64) string { return fmt.Sprint(id) },
		"ptrID": func(id *int64) string {
			if id == nil {
				return ""
			}
			return fmt.Sprint(*id)
		},
		"version": func() string { return s.cfg.Version },
		// zoneName names the zone local times are read and shown in.
		"zoneName": func() string { return zoneLabel(s.loc, s.now()) },
		"sub":      func(a, b int64) int64 { return a - b },
		// dict passes several values to a partial template.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// zone names the zone times are shown in, "Europe/Berlin".
		"zone": func() string { return zoneName },
	}
}

func toDuration(v any) time.Duration {
	switch x := v.(type) {
	case time.Duration:
		return x
	case int64:
		return time.Duration(x) * time.Second
	case int:
		return time.Duration(x) * time.Second
	}
	return 0
}

// formatDuration writes d as h:mm, rounded down to the minute.
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int64(d / time.Minute)
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

// formatDurationLong writes d for reading aloud: "1 h 5 min".
func formatDurationLong(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int64(d / time.Minute)
	h, m := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
