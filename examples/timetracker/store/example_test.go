package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// Open an SQLite store, migrate it, and track half an hour on a project.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "timetracker")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	db, err := store.Open(ctx, filepath.Join(dir, "data", "timetracker.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		panic(err)
	}

	user := &domain.User{Email: " Ada@Example.com", Name: "Ada", PasswordHash: "(hashed by package auth)"}
	if err := db.CreateUser(ctx, user); err != nil {
		panic(err)
	}
	fmt.Println(user.Email, user.Role) // the first user is an admin

	project := &domain.Project{UserID: user.ID, Name: "Engine", Billable: true}
	if err := db.CreateProject(ctx, project); err != nil {
		panic(err)
	}

	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	timer := &domain.Entry{UserID: user.ID, ProjectID: project.ID, Start: start, Billable: true}
	if err := db.StartTimer(ctx, timer); err != nil {
		panic(err)
	}
	err = db.StartTimer(ctx, &domain.Entry{UserID: user.ID, ProjectID: project.ID})
	fmt.Println(domain.ErrorCode(err), domain.ErrorMessage(err))

	entry, err := db.StopTimer(ctx, user.ID, start.Add(30*time.Minute))
	if err != nil {
		panic(err)
	}
	fmt.Println(entry.End.Sub(entry.Start))

	report, err := db.Summary(ctx, user.ID, start.Truncate(24*time.Hour), start.Truncate(24*time.Hour).AddDate(0, 0, 1), domain.GroupByProject)
	if err != nil {
		panic(err)
	}
	for _, row := range report.Rows {
		fmt.Println(row.Label, row.Seconds, row.BillableSeconds)
	}
	// Output:
	// ada@example.com admin
	// conflict a timer is already running
	// 30m0s
	// Engine 1800 1800
}
