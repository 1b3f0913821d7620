// Command loadbench is the time tracker's own load benchmark: it builds
// the app, seeds users with a few years of entries, and runs wrk with a
// realistic API mix against SQLite and PostgreSQL, with the optional sinks
// (Sentry, PostHog, install telemetry) off and then on, pointed at capture
// servers it runs on loopback. Rounds alternate so that machine noise falls
// on both sides alike; the table gives medians over the rounds and the
// on/off ratio.
//
// From the repository root:
//
//	WRK_BIN=$(command -v wrk) TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	    go run ./examples/loadbench -duration 10s -connections 16 -rounds 3
//
// Without TEST_POSTGRES_URL only SQLite runs. Each engine gets a database of
// its own (a fresh SQLite file, a new PostgreSQL database that is dropped at
// the end).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	var c config
	flag.DurationVar(&c.Duration, "duration", 10*time.Second, "how long wrk runs in each round")
	flag.IntVar(&c.Connections, "connections", 16, "wrk's open connections")
	flag.IntVar(&c.Rounds, "rounds", 3, "alternating rounds of sinks off and on, per engine")
	flag.StringVar(&c.engines, "engines", "sqlite,postgres", "comma-separated engines: sqlite, postgres (postgres needs TEST_POSTGRES_URL)")
	flag.IntVar(&c.Users, "users", 8, "users to seed, each with its own API token")
	flag.IntVar(&c.Years, "years", 3, "years of entries per user")
	flag.Parse()
	c.Engines = strings.Split(c.engines, ",")
	c.Wrk = os.Getenv("WRK_BIN")
	if c.Wrk == "" {
		c.Wrk = "wrk"
	}
	c.PostgresURL = os.Getenv("TEST_POSTGRES_URL")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, c, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
	printTable(os.Stdout, c, res)
}

// config says what to run; the zero value of each number means its default.
type config struct {
	Duration    time.Duration
	Connections int
	Rounds      int
	Engines     []string
	Users       int
	Years       int
	Wrk         string // the wrk binary
	PostgresURL string // an admin URL; the benchmark creates its own database beside it
	engines     string
}

func (c *config) defaults() {
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Connections <= 0 {
		c.Connections = 16
	}
	if c.Rounds <= 0 {
		c.Rounds = 3
	}
	if c.Users <= 0 {
		c.Users = 8
	}
	if c.Years <= 0 {
		c.Years = 3
	}
	if len(c.Engines) == 0 {
		c.Engines = []string{"sqlite"}
	}
}
