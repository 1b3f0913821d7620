package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStopDuringStart: starts and stops of one user's timer race each
// other, on SQLite and on PostgreSQL. A stop carries no body, so it must
// never be answered 400 about "end": it stops the timer (200), finds none
// (404), and a start finds one running (409) or starts it (201).
func TestStopDuringStart(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{}
			if engine == "postgres" {
				env["DATABASE_URL"] = postgresURL(t)
			}
			app := newTestApp(t, env)
			c, _ := app.register("racer@example.com", "correct horse battery", "Racer")
			var pr struct {
				ID int64 `json:"id"`
			}
			c.must(http.StatusCreated, "POST", "/api/v1/projects", map[string]any{"name": "Race"}, &pr)

			send := func(path, body string) (int, string, error) {
				var rd io.Reader
				if body != "" {
					rd = strings.NewReader(body)
				}
				req, _ := http.NewRequest("POST", app.srv.URL+path, rd)
				req.Header.Set("Authorization", "Bearer "+c.token)
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return 0, "", err
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b), nil
			}
			var mu sync.Mutex
			counts := map[string]int{}
			var bad []string
			note := func(what string, status int, body string, allowed ...int) {
				mu.Lock()
				defer mu.Unlock()
				counts[fmt.Sprintf("%s %d", what, status)]++
				for _, a := range allowed {
					if status == a {
						return
					}
				}
				if len(bad) < 5 {
					bad = append(bad, fmt.Sprintf("%s: %d %s", what, status, body))
				}
			}
			deadline := time.Now().Add(3 * time.Second)
			var wg sync.WaitGroup
			startBody := fmt.Sprintf(`{"project_id":%d}`, pr.ID)
			for range 2 {
				wg.Go(func() {
					for time.Now().Before(deadline) {
						st, b, err := send("/api/v1/timer/start", startBody)
						if err != nil {
							t.Error(err)
							return
						}
						note("start", st, b, http.StatusCreated, http.StatusConflict)
					}
				})
				wg.Go(func() {
					for time.Now().Before(deadline) {
						st, b, err := send("/api/v1/timer/stop", "")
						if err != nil {
							t.Error(err)
							return
						}
						note("stop", st, b, http.StatusOK, http.StatusNotFound)
					}
				})
			}
			wg.Wait()
			t.Logf("answers: %v", counts)
			if len(bad) > 0 {
				t.Errorf("unexpected answers (first %d):\n%s", len(bad), strings.Join(bad, "\n"))
			}
			if counts["stop 200"] == 0 || counts["start 201"] == 0 {
				t.Errorf("no timer was started and stopped: %v", counts)
			}
		})
	}
}
