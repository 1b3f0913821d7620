package endpoint_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/internal/endpoint"
)

// https is accepted everywhere; plain http only to a loopback address or
// a host the operator listed as on the same private network.
func ExampleCheck() {
	private := []string{"posthog.internal"}
	for _, u := range []string{"https://eu.posthog.com", "http://127.0.0.1:8000", "http://posthog.internal", "http://eu.posthog.com"} {
		fmt.Println(u, endpoint.Check(u, private) == nil)
	}
	// Output:
	// https://eu.posthog.com true
	// http://127.0.0.1:8000 true
	// http://posthog.internal true
	// http://eu.posthog.com false
}
