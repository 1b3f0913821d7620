package analytics_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/analytics"
)

// The schema keeps declared properties, converts counts to buckets and
// drops everything else: here the client's name never leaves the process.
func ExampleSchema_Clean() {
	schema := analytics.Schema{
		"report.viewed": {
			"group_by": analytics.Enum("project", "client", "day"),
			"rows":     analytics.Count,
		},
	}
	props, ok := schema.Clean("report.viewed", analytics.Properties{
		"group_by":    "client",
		"rows":        7,
		"client_name": "Acme Holdings",
	})
	fmt.Println(ok, props)

	_, ok = schema.Clean("client.renamed", analytics.Properties{"to": "Acme Holdings"})
	fmt.Println(ok)
	// Output:
	// true map[group_by:client rows:6-10]
	// false
}
