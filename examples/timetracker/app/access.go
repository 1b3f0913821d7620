package app

import (
	"net/http"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Access is who may use a route: the one rule every route of the API and
// the pages is checked by, and what the authorization tests are generated
// from.
type Access int

// The kinds of access.
const (
	Public   Access = iota // anyone
	SignedIn               // a signed-in user (session or token)
	Admin                  // a signed-in administrator
)

// Route is one row of a route table: a ServeMux pattern and who may use
// it.
type Route struct {
	Pattern string
	Access  Access
}

// Allowed checks the request's user against access: EUNAUTHORIZED when
// nobody is signed in, EFORBIDDEN when an admin route has a plain user.
func Allowed(r *http.Request, access Access) error {
	u := auth.UserFrom(r.Context())
	switch {
	case access == Public:
		return nil
	case u == nil:
		return domain.Errorf(domain.EUNAUTHORIZED, "Sign in or send a personal API token.")
	case access == Admin && u.Role != domain.RoleAdmin:
		return domain.Errorf(domain.EFORBIDDEN, "Only an administrator may do this.")
	}
	return nil
}

// Handled is a route with the handler that serves it: the row type of the
// API's and the pages' route tables. The handler returns an error for the
// table's own error answer ([Errors]) to give.
type Handled struct {
	Route
	Handle func(http.ResponseWriter, *http.Request) error
}

// Handle returns the row for pattern, served by h to whom access allows.
func Handle(pattern string, access Access, h func(http.ResponseWriter, *http.Request) error) Handled {
	return Handled{Route{Pattern: pattern, Access: access}, h}
}
