package consent

import (
	"context"
	"net/http"
	"strings"
)

// Preferences is implemented by the application: it answers whether a user
// allows product analytics (claim C6). An error is treated as "no" by the
// analytics package, so a broken lookup never sends data.
type Preferences interface {
	AnalyticsAllowed(ctx context.Context, userID int64) (bool, error)
}

// PreferencesFunc adapts a function to Preferences.
type PreferencesFunc func(ctx context.Context, userID int64) (bool, error)

// AnalyticsAllowed calls f.
func (f PreferencesFunc) AnalyticsAllowed(ctx context.Context, userID int64) (bool, error) {
	return f(ctx, userID)
}

// GPC reports whether the request carries the Global Privacy Control signal,
// the header Sec-GPC with the value 1.
func GPC(r *http.Request) bool {
	return strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1"
}

type gpcKey struct{}

// WithGPC returns a context that records the browser's GPC signal.
func WithGPC(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, gpcKey{}, on)
}

// GPCFromContext reports whether the request behind ctx sent GPC, as
// recorded by WithGPC or Middleware.
func GPCFromContext(ctx context.Context) bool {
	on, _ := ctx.Value(gpcKey{}).(bool)
	return on
}

// Middleware records the GPC signal of each request in its context, where
// the analytics package reads it. Requests without the signal pass through
// untouched.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if GPC(r) {
			r = r.WithContext(WithGPC(r.Context(), true))
		}
		next.ServeHTTP(w, r)
	})
}
