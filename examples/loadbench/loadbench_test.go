package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"
)

// TestLoadBrief runs the load benchmark briefly so that it cannot rot: one
// round per engine, sinks off and on. It asserts what must hold at any
// speed (requests were answered, none with a 5xx, and the capture servers
// heard from the app when the sinks were on), never how fast. WRK_BIN
// names wrk; WRK_DURATION (default 1s) and WRK_CONNECTIONS (default 4)
// tune it; PostgreSQL joins when TEST_POSTGRES_URL is set.
func TestLoadBrief(t *testing.T) {
	wrk := os.Getenv("WRK_BIN")
	if wrk == "" {
		t.Skip("WRK_BIN is not set: the load benchmark needs wrk (Debian's package); set WRK_BIN=$(command -v wrk)")
	}
	if testing.Short() {
		t.Skip("-short: the load benchmark builds the app and runs wrk")
	}
	dur, err := time.ParseDuration(envOr("WRK_DURATION", "1s"))
	if err != nil {
		t.Fatalf("WRK_DURATION: %v", err)
	}
	c := config{Duration: dur, Connections: 4, Rounds: 1, Users: 2, Years: 1, Wrk: wrk, Engines: []string{"sqlite"}}
	if n := os.Getenv("WRK_CONNECTIONS"); n != "" {
		c.Connections = atoi(t, n)
	}
	if pg := os.Getenv("TEST_POSTGRES_URL"); pg != "" {
		c.PostgresURL = pg
		c.Engines = append(c.Engines, "postgres")
	} else {
		t.Log("TEST_POSTGRES_URL is not set: SQLite only")
	}
	res, err := run(context.Background(), c, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Engines {
		for _, on := range []bool{false, true} {
			ss := res[e][on]
			if len(ss) != 1 {
				t.Fatalf("%s, sinks %s: %d samples, want 1", e, onOff(on), len(ss))
			}
			s := ss[0]
			if s.Requests == 0 || s.RPS <= 0 {
				t.Errorf("%s, sinks %s: no requests answered (%+v)", e, onOff(on), s)
			}
			if s.Status5 != 0 {
				t.Errorf("%s, sinks %s: %d 5xx answers", e, onOff(on), s.Status5)
			}
			if s.Status4 > s.Requests/2 {
				t.Errorf("%s, sinks %s: %d of %d answers were 4xx: the mix is not what the app accepts", e, onOff(on), s.Status4, s.Requests)
			}
			if on && s.Captured == 0 {
				t.Errorf("%s, sinks on: the capture servers received nothing", e)
			}
			if !on && s.Captured != 0 {
				t.Errorf("%s, sinks off: the capture servers received %d requests (C2)", e, s.Captured)
			}
		}
	}
	printTable(io.Discard, c, res)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func atoi(t *testing.T, s string) int {
	var n int
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("WRK_CONNECTIONS: %q is not a whole number", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}
