package app_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Every route of the API and the pages is checked by one rule: a public
// route is open, a signed-in route needs a user, an admin route an admin.
func ExampleAllowed() {
	r := httptest.NewRequest("GET", "/api/v1/me", nil) // nobody signed in
	for _, access := range []app.Access{app.Public, app.SignedIn, app.Admin} {
		fmt.Printf("%q\n", domain.ErrorCode(app.Allowed(r, access)))
	}
	// Output:
	// ""
	// "unauthorized"
	// "unauthorized"
}
