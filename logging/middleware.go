package logging

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/internal/reqctx"
)

// MiddlewareOptions configure [Middleware]. nil means the zero value: no
// client IP.
type MiddlewareOptions struct {
	// ClientIP adds the client's address as "client_ip" to each request
	// record. Set it from LOG_CLIENT_IP (consent.Settings.LogClientIP).
	// The address survives only if the logger's handler was also built
	// with [Options.KeepIPs]; otherwise the handler writes "[redacted]".
	ClientIP bool

	// TrustProxy takes the client IP from the last address in
	// X-Forwarded-For, the one the reverse proxy in front of the
	// application appended, instead of the connection's remote address.
	// Leave it off unless such a proxy is always there: a client can send
	// any X-Forwarded-For it likes.
	TrustProxy bool
}

// Middleware returns HTTP middleware that writes one record through l for
// each completed request (claim L2): message "request", the method, route
// pattern ([github.com/discreet-dev/discreet.UnmatchedRoute] when no pattern matched), status, duration (in
// nanoseconds, as slog writes durations), response bytes, the request ID,
// the user ID when someone is signed in, and the client IP when
// [MiddlewareOptions.ClientIP] is set. Records of 5xx responses are logged
// at error level, others at info.
//
// The request ID (claim L4) comes from a well-formed incoming X-Request-ID
// (1 to 128 characters of [A-Za-z0-9._-]) or is generated (128 random
// bits); it is set on the response's X-Request-ID header and available to
// other code through [RequestID]. Handlers mark the signed-in user with
// [SetUserID].
//
// A panic in the handler is logged at error level with its value and stack
// trace under "panic" (claim L3), then re-raised for the recovery layer
// outside; http.ErrAbortHandler is re-raised without a record of its own
// beyond the request record. A recovery layer that reads the shared
// request record (errortrack's) then logs no second record of the panic.
//
// A nil l means [slog.Default]. Inside the pipeline of the root package, or
// inside another Middleware, it writes no second record.
func Middleware(l *slog.Logger, opts *MiddlewareOptions) func(http.Handler) http.Handler {
	if l == nil {
		l = slog.Default()
	}
	var o MiddlewareOptions
	if opts != nil {
		o = *opts
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			info, r := reqctx.Ensure(w, r)
			if !info.Claim(reqctx.StageLog) {
				next.ServeHTTP(w, r) // a discreet layer outside writes the record
				return
			}
			rw, w := info.Record(w)
			defer func() {
				p := recover()
				var pcs []uintptr
				if p != nil && p != http.ErrAbortHandler {
					pcs = callers(3) // the deferred call runs on top of the panicking frames
				}
				if r.Pattern != "" {
					info.SetRoute(r.Pattern)
				}
				status := rw.Status()
				if status == 0 {
					status = http.StatusOK
					if p != nil {
						status = http.StatusInternalServerError
					}
				}
				level := slog.LevelInfo
				if status >= 500 || pcs != nil {
					level = slog.LevelError
				}
				ctx := r.Context()
				if l.Enabled(ctx, level) {
					route := reqctx.Route(r)
					if route == "" {
						route = reqctx.UnmatchedRoute
					}
					attrs := make([]slog.Attr, 0, 9)
					attrs = append(attrs,
						slog.String("method", r.Method),
						slog.String("route", route),
						slog.Int("status", status),
						slog.Duration("duration", time.Since(start)),
						slog.Int64("bytes", rw.Bytes()),
						slog.String(RequestIDKey, info.RequestID()),
					)
					if uid := info.UserID(); uid > 0 {
						attrs = append(attrs, slog.Int64(UserIDKey, uid))
					}
					if o.ClientIP {
						if ip := ClientIP(r, o.TrustProxy); ip != "" {
							attrs = append(attrs, slog.String(ClientIPKey, ip))
						}
					}
					if pcs != nil {
						attrs = append(attrs, slog.Attr{Key: "panic", Value: panicValue(p, pcs)})
						info.MarkPanicLogged()
					}
					l.LogAttrs(ctx, level, "request", attrs...)
				}
				if p != nil {
					panic(p)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// ClientIP returns the address of the client that sent r, without its
// port, or "" when there is none to be read. It is the connection's peer;
// with trustProxy it is the last X-Forwarded-For entry instead, the one
// the reverse proxy in front added, which the client cannot choose
// (entries before it can be forged). Pass trustProxy only when every
// request comes through such a proxy. The request log's client_ip
// ([MiddlewareOptions.TrustProxy]) is this address; an application that
// counts or limits by client uses the same function, so that both agree.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return plainAddr(a)
			}
		}
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return plainAddr(ap.Addr())
	}
	if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		return plainAddr(a)
	}
	return ""
}

// plainAddr writes a as a bare address: IPv4-mapped IPv6 as IPv4, and
// without an IPv6 zone, which netip accepts as any text after '%' and
// which X-Forwarded-For lets a client choose, so client_ip never carries
// anything but an address.
func plainAddr(a netip.Addr) string {
	return a.Unmap().WithZone("").String()
}

// SetUserID records the signed-in user's internal ID in the request context
// that [Middleware] (or another discreet middleware) set up, so that the
// request record and every record logged with ctx carry it. It does nothing
// when ctx belongs to no such request. Call it from the authentication
// layer once the user is known.
func SetUserID(ctx context.Context, id int64) {
	if info := reqctx.From(ctx); info != nil {
		info.SetUserID(id)
	}
}

// UserID returns the user ID set with [SetUserID], or 0.
func UserID(ctx context.Context) int64 {
	if info := reqctx.From(ctx); info != nil {
		return info.UserID()
	}
	return 0
}

// RequestID returns the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if info := reqctx.From(ctx); info != nil {
		return info.RequestID()
	}
	return ""
}
