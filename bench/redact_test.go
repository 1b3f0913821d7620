package bench

import (
	"io"
	"os"
	"testing"

	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/discreet-dev/discreet/redact"
)

// zerolog writes each event as one JSON line; a redact.Writer in front of
// its output scrubs the line without any change to how events are built.
func Example_zerolog() {
	logger := zerolog.New(redact.NewWriter(os.Stdout, nil))
	logger.Warn().
		Str("detail", "card 4111 1111 1111 1111 declined for bob@example.com").
		Str("token", "tok-9f8e7d").
		Int("attempt", 2).
		Msg("payment failed")
	// Output:
	// {"level":"warn","detail":"card [card] declined for [email]","token":"[redacted]","attempt":2,"message":"payment failed"}
}

// zap's JSON encoder writes to a WriteSyncer; wrapping the redact.Writer
// with zapcore.AddSync puts the scrubbing between the two.
func Example_zap() {
	enc := zap.NewProductionEncoderConfig()
	enc.TimeKey = "" // keep the output stable for this example
	core := zapcore.NewCore(zapcore.NewJSONEncoder(enc),
		zapcore.AddSync(redact.NewWriter(os.Stdout, nil)), zapcore.InfoLevel)
	logger := zap.New(core)
	logger.Info("sign-in failed", zap.String("email", "alice@example.com"),
		zap.String("error", "no account for alice@example.com from 203.0.113.7"))
	// Output:
	// {"level":"info","msg":"sign-in failed","email":"[redacted]","error":"no account for [email] from [ip]"}
}

// BenchmarkZerologWriter compares zerolog writing to io.Discard with the
// same logger writing through a redact.Writer, on an event with nothing
// to remove and one with an email and a card number.
func BenchmarkZerologWriter(b *testing.B) {
	for _, c := range []struct{ name, detail string }{
		{"clean", "upstream answered 503 after 2.481s (attempt 3, route GET /api/v1/entries/{id})"},
		{"pii", "card 4111 1111 1111 1111 declined for alice@example.com"},
	} {
		for _, w := range []struct {
			name string
			w    io.Writer
		}{
			{"zerolog", io.Discard},
			{"zerolog+redact.Writer", redact.NewWriter(io.Discard, nil)},
		} {
			b.Run(c.name+"/"+w.name, func(b *testing.B) {
				logger := zerolog.New(w.w)
				b.ReportAllocs()
				for b.Loop() {
					logger.Info().Str("detail", c.detail).Int("status", 503).Msg("request failed")
				}
			})
		}
	}
}
