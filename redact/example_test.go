package redact_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/discreet-dev/discreet/redact"
)

// Values passed by mistake, under innocent keys or inside messages, come
// out with only the sensitive part replaced.
func Example() {
	e := redact.Default()

	fmt.Println(e.String("login failed for alice@example.com from 203.0.113.7"))
	fmt.Println(e.String("card 4111 1111 1111 1111 declined, call +49 170 1234567"))
	fmt.Println(e.String("refund to DE89 3704 0044 0532 0130 00 (ssn 078-05-1120)"))
	fmt.Println(e.String("GET /reset?token=abc123&page=2 took 1.5s"))
	fmt.Println(e.String("push with ghp_0123456789abcdefghijABCDEFGHIJ012345 failed"))
	fmt.Println(e.String("mallory＠example.com and peggy [at] example [dot] com"))
	// Operational context stays as it was written.
	fmt.Println(e.String("store: find token: context canceled (v1.26.8, trace 4bf92f3577b34da6a3ce929d0e0e4736, 2026-11-26T19:38:41Z)"))
	// Output:
	// login failed for [email] from [ip]
	// card [card] declined, call [phone]
	// refund to [iban] (ssn [id-number])
	// GET /reset?token=[redacted]&page=2 took 1.5s
	// push with [secret] failed
	// [email] and [email]
	// store: find token: context canceled (v1.26.8, trace 4bf92f3577b34da6a3ce929d0e0e4736, 2026-11-26T19:38:41Z)
}

// JSONLines scrubs what a JSON logger has already written: a sensitive key
// loses its value whatever it is, and every other string is scrubbed.
func ExampleEngine_JSONLines() {
	line := []byte(`{"level":"warn","msg":"retry for bob@example.com","password":"hunter2","attempt":3}` + "\n")
	os.Stdout.Write(redact.Default().JSONLines(nil, line))
	// Output:
	// {"level":"warn","msg":"retry for [email]","password":"[redacted]","attempt":3}
}

// A Writer in front of any JSON logger scrubs each line it writes. Here it
// is log/slog's own JSON handler; zap and zerolog are used the same way
// (see the bench module's examples).
func ExampleNewWriter() {
	w := redact.NewWriter(os.Stdout, nil)
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable for this example
			}
			return a
		},
	}))
	logger.Info("payment failed", "detail", "card 5555-5555-5555-4444 declined", "api_key", "k-123")
	// Output:
	// {"level":"INFO","msg":"payment failed","detail":"card [card] declined","api_key":"[redacted]"}
}

// Options.Keys adds sensitive names of your own; they are matched like
// the built-in ones, whatever their case and separators.
func ExampleNew() {
	e := redact.New(&redact.Options{Keys: []string{"passport_no"}})
	fmt.Println(e.String("passportNo=X1234567 checked"))
	fmt.Println(e.IsSensitiveKey("Passport-No"))
	// Output:
	// passportNo=[redacted] checked
	// true
}

// Value walks structured data and returns plain values, scrubbed, ready
// for any encoder.
func ExampleEngine_Value() {
	err := fmt.Errorf("signup: %w", errors.New("duplicate email bob@example.com"))
	fmt.Println(redact.Default().Value(map[string]any{"error": err, "password": "hunter2", "user_id": 42}))
	// Output:
	// map[error:signup: duplicate email [email] password:[redacted] user_id:42]
}
