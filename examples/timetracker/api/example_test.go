package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// The API is built over a store and the auth layer; its route table says
// who may use each route, and is what the authorization tests are made
// from.
func ExampleAPI_Routes() {
	dir, err := os.MkdirTemp("", "api-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "tt.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	a, err := auth.New(auth.Options{Store: db})
	if err != nil {
		panic(err)
	}
	h, err := api.New(api.Options{Store: db, Auth: a})
	if err != nil {
		panic(err)
	}
	names := map[int]string{0: "public", 1: "signed in", 2: "admin"}
	for _, rt := range h.Routes()[:3] {
		fmt.Println(rt.Pattern, names[int(rt.Access)])
	}
	// Output:
	// POST /api/v1/users public
	// POST /api/v1/sessions public
	// DELETE /api/v1/sessions/current signed in
}
