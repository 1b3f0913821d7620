package receiver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/telemetry"
	"github.com/discreet-dev/discreet/telemetry/receiver"
)

// printStore is a Store that only prints what it is given.
type printStore struct{}

func (printStore) Save(_ context.Context, p telemetry.Ping, received time.Time) error {
	fmt.Printf("saved %s… version %s at %s\n", p.Fingerprint[:8], p.Version, received.Format(time.DateOnly))
	return nil
}

// A receiver checks each ping, hands it to its Store and answers with the
// latest version.
func ExampleNew() {
	h := receiver.New(printStore{}, receiver.Options{
		Latest: "1.5.0",
		Now:    func() time.Time { return time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC) },
	})
	send := func(body string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/ping", strings.NewReader(body)))
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	send(`{"schema":1,"kind":"install","fingerprint":"d4825d67bce91822faad6798341b364dadaefa503a448abac265cdb76473107e",` +
		`"version":"1.4.0","installed_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`)
	fmt.Println()
	send(`{"schema":1,"kind":"install","hostname":"web-01"}`)
	// Output:
	// saved d4825d67… version 1.4.0 at 2026-01-03
	// 200 {"latest":"1.5.0"}
	// 400 {"error":"unknown field \"hostname\""}
}
