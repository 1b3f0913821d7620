package telemetry_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/telemetry"
)

// The fingerprint is SHA-256 over the hostname and the salt, nothing more,
// so an operator can check it with sha256sum.
func ExampleFingerprint() {
	fmt.Println(telemetry.Fingerprint("web-01", "0123456789abcdef"))
	// Output:
	// d4825d67bce91822faad6798341b364dadaefa503a448abac265cdb76473107e
}

// stoppedClock always says the same time, which makes the preview
// reproducible.
type stoppedClock struct{ t time.Time }

func (c stoppedClock) Now() time.Time                         { return c.t }
func (c stoppedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// An operator reads exactly what would be sent before turning telemetry on.
// With telemetry off, Preview writes nothing and contacts nobody.
func ExampleReporter_Preview() {
	settings := consent.Settings{TelemetrySalt: "0123456789abcdef"} // ENABLE_TELEMETRY is off
	rep, err := telemetry.New(settings, telemetry.Options{
		Version:   "1.4.0",
		StatePath: "testdata/no-such-state.json", // no state yet: a new installation
		Clock:     stoppedClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Hostname:  func() (string, error) { return "web-01", nil },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	body, err := rep.Preview()
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	json.Indent(&out, body, "", "  ")
	fmt.Println(out.String())
	_, statErr := os.Stat("testdata/no-such-state.json")
	fmt.Println("state file written:", statErr == nil)
	// Output:
	// {
	//   "schema": 1,
	//   "kind": "install",
	//   "fingerprint": "d4825d67bce91822faad6798341b364dadaefa503a448abac265cdb76473107e",
	//   "version": "1.4.0",
	//   "installed_at": "2026-01-02T03:04:05Z",
	//   "updated_at": "2026-01-02T03:04:05Z"
	// }
	// state file written: false
}
