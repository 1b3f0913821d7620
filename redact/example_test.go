package redact_test

import (
	"errors"
	"fmt"

	"github.com/discreet-dev/discreet/redact"
)

func Example() {
	e := redact.Default()

	fmt.Println(e.String("login failed for alice@example.com from 203.0.113.7"))
	fmt.Println(e.String("GET /reset?token=abc123&page=2 took 1.5s"))
	fmt.Println(e.String("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln"))
	fmt.Println(string(e.AppendJSONString(nil, "dial postgres://app:pw@[2001:db8::5]:5432: \"refused\"")))

	err := fmt.Errorf("signup: %w", errors.New("duplicate email bob@example.com"))
	fmt.Println(e.Value(map[string]any{"error": err, "password": "hunter2", "user_id": 42}))
	// Output:
	// login failed for [email] from [ip]
	// GET /reset?token=[redacted]&page=2 took 1.5s
	// Authorization: [redacted]
	// "dial postgres://[credentials]@[ip]:5432: \"refused\""
	// map[error:signup: duplicate email [email] password:[redacted] user_id:42]
}
