package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
	"github.com/discreet-dev/discreet/examples/timetracker/web"
)

// The pages go on a mux beside the API, behind the auth middleware that
// signs users in and checks CSRF tokens.
func Example() {
	dir, _ := os.MkdirTemp("", "web-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "tt.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	a, _ := auth.New(auth.Options{Store: db})
	srv, err := web.New(web.Config{Store: db, Auth: a, Version: "1.0.0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	h := a.Middleware(mux)

	for _, path := range []string{"/", "/privacy"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code, rec.Header().Get("Location"), strings.Contains(rec.Body.String(), "<h1 id=\"privacy-policy\">Privacy policy</h1>"))
	}
	// Output:
	// / 303 /signin false
	// /privacy 200  true
}
