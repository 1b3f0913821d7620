package consent_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/consent"
)

// Settings come from the environment once, at start-up. Here a map stands in
// for it.
func ExampleFromLookup() {
	vars := map[string]string{
		"POSTHOG_API_KEY":  "phc_example",
		"ENABLE_TELEMETRY": "maybe",
	}
	_, err := consent.FromLookup(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	fmt.Println(err)

	vars["ENABLE_TELEMETRY"] = "false"
	s, _ := consent.FromLookup(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	for _, svc := range []consent.Service{consent.Logs, consent.ErrorTracking, consent.ProductAnalytics, consent.InstallTelemetry} {
		fmt.Printf("%s: %v\n", svc, s.Enabled(svc))
	}
	// Output:
	// ENABLE_TELEMETRY: "maybe" is not a boolean; use true/false, 1/0, yes/no or on/off
	// logs: true
	// error_tracking: false
	// product_analytics: true
	// install_telemetry: false
}
