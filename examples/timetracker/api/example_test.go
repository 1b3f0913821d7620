package api_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Every route of the API and the pages is checked by one rule: a public
// route is open, a signed-in route needs a user, an admin route an admin.
func ExampleAllowed() {
	r := httptest.NewRequest("GET", "/api/v1/me", nil) // nobody signed in
	for _, access := range []api.Access{api.Public, api.SignedIn, api.Admin} {
		fmt.Printf("%q\n", domain.ErrorCode(api.Allowed(r, access)))
	}
	// Output:
	// ""
	// "unauthorized"
	// "unauthorized"
}
