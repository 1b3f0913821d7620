package logging

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// BenchmarkRequestRecord logs the record Middleware writes for a typical
// request through each handler to io.Discard. "clean" is that record;
// "pii" is the same record with an email in the message and a bearer
// token where the request ID goes, so both must be found and replaced;
// "pii_message" has only the email, which NewHandler replaces in place.
func BenchmarkRequestRecord(b *testing.B) {
	handlers := []struct {
		name string
		h    slog.Handler
	}{
		{"slog.JSONHandler", slog.NewJSONHandler(io.Discard, nil)},
		{"NewJSONHandler", NewJSONHandler(io.Discard, nil)},
		{"NewHandler(slog.JSONHandler)", NewHandler(slog.NewJSONHandler(io.Discard, nil), nil)},
	}
	records := []struct {
		name, msg, requestID string
	}{
		{"clean", "request", "01j9zq3k5m7n8p9r0s1t2v3w4x"},
		{"pii", "request by alice.smith@example.com", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXZhbHVl"},
		{"pii_message", "request by alice.smith@example.com", "01j9zq3k5m7n8p9r0s1t2v3w4x"}, // the message changes, no attribute does
	}
	ctx := context.Background()
	for _, rec := range records {
		for _, h := range handlers {
			b.Run(rec.name+"/"+h.name, func(b *testing.B) {
				l := slog.New(h.h)
				b.ReportAllocs()
				for b.Loop() {
					l.LogAttrs(ctx, slog.LevelInfo, rec.msg,
						slog.String("method", "GET"),
						slog.String("route", "GET /api/v1/entries/{id}"),
						slog.Int("status", 200),
						slog.Duration("duration", 1234567*time.Nanosecond),
						slog.Int64("user_id", 42),
						slog.String("request_id", rec.requestID),
						slog.Int64("bytes", 512),
					)
				}
			})
		}
	}
}
