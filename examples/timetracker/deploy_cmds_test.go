package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHealthcheck: the subcommand a container's HEALTHCHECK runs succeeds
// against a serving app, whatever address LISTEN_ADDR binds, and fails
// when nothing answers.
func TestHealthcheck(t *testing.T) {
	s := startRun(t, nil, runOptions{})
	_, port, _ := net.SplitHostPort(s.addr)
	for _, addr := range []string{s.addr, ":" + port, "0.0.0.0:" + port} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"healthcheck"}, mapLookup(map[string]string{"LISTEN_ADDR": addr}), &out, io.Discard); err != nil || out.String() != "ok\n" {
			t.Errorf("healthcheck with LISTEN_ADDR=%s: %q, %v", addr, out.String(), err)
		}
	}
	s.stop(t)
	err := run(context.Background(), []string{"healthcheck"}, mapLookup(map[string]string{"LISTEN_ADDR": s.addr}), io.Discard, io.Discard)
	if err == nil {
		t.Error("healthcheck succeeded with the server stopped")
	}
}

// TestCopySQLiteCommand runs copy-sqlite as an operator does: data made
// through the app on SQLite, copied into a new PostgreSQL database, and
// then served from PostgreSQL.
func TestCopySQLiteCommand(t *testing.T) {
	for _, args := range [][]string{{"copy-sqlite"}, {"copy-sqlite", "a", "b"}} {
		if err := run(context.Background(), args, mapLookup(nil), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "SQLite database file") {
			t.Errorf("%q: err = %v", args, err)
		}
	}
	if err := run(context.Background(), []string{"copy-sqlite", "x.db"}, mapLookup(nil), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("copy-sqlite without a postgres DATABASE_URL: err = %v", err)
	}
	admin := os.Getenv("TEST_POSTGRES_URL")
	if admin == "" {
		t.Skip("TEST_POSTGRES_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to copy into PostgreSQL")
	}
	dsn := newPostgresDatabase(t, admin)

	data := t.TempDir()
	s := startRun(t, map[string]string{"DATA_DIR": data}, runOptions{})
	app := newRunClient(t, s)
	c, _ := app.register("ada@example.org", "ada-password", "Ada")
	c.must(201, "POST", "/api/v1/clients", map[string]string{"name": "Acme"}, nil)
	s.stop(t)

	var out bytes.Buffer
	if err := run(context.Background(), []string{"copy-sqlite", filepath.Join(data, "timetracker.db")}, mapLookup(map[string]string{"DATABASE_URL": dsn}), &out, io.Discard); err != nil {
		t.Fatalf("copy-sqlite: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "users") || !strings.Contains(out.String(), "copied") {
		t.Errorf("copy-sqlite said %q", out.String())
	}
	s2 := startRun(t, map[string]string{"DATABASE_URL": dsn}, runOptions{})
	c.app = newRunClient(t, s2)
	var clients []struct{ Name string }
	c.must(200, "GET", "/api/v1/clients", nil, &clients)
	if len(clients) != 1 || clients[0].Name != "Acme" {
		t.Errorf("clients on PostgreSQL after the copy: %+v", clients)
	}
}

// newRunClient is a testApp over a server started with startRun.
func newRunClient(t *testing.T, s *started) *testApp {
	return &testApp{t: t, srv: &httptest.Server{URL: "http://" + s.addr}}
}

// newPostgresDatabase creates a database of the test's own on the server
// of admin and returns its URL; it is dropped at the end.
func newPostgresDatabase(t *testing.T, admin string) string {
	t.Helper()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := fmt.Sprintf("tt_copy_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { _, _ = db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}
