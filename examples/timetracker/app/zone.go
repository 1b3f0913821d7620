package app

import (
	"context"
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

type locationKey struct{}

// WithLocation returns ctx carrying the time zone of the request: the
// signed-in user's, else the server's.
func WithLocation(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, locationKey{}, loc)
}

// Location returns the time zone that [WithLocation] put in ctx, or
// time.Local when there is none.
func Location(ctx context.Context) *time.Location {
	if l, ok := ctx.Value(locationKey{}).(*time.Location); ok && l != nil {
		return l
	}
	return time.Local
}

// ZoneRequest returns r with the signed-in user's time zone in its context
// (see [Location]), or fallback when nobody is signed in or the user has
// none. Days, weeks and months of the user's data are counted in it, by
// the pages and by the API; the API still writes times as RFC 3339 in UTC.
func ZoneRequest(r *http.Request, zones *domain.Zones, fallback *time.Location) *http.Request {
	return r.WithContext(WithLocation(r.Context(), zones.Of(auth.UserFrom(r.Context()), fallback)))
}
