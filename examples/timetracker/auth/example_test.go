package auth_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
)

// A password is stored as an encoded argon2id hash that carries its own
// salt and cost, and checked against it in constant time.
func ExampleHashPassword() {
	hash, err := auth.HashPassword("correct horse battery staple", auth.Params{})
	if err != nil {
		panic(err)
	}
	fmt.Println(hash[:len("$argon2id$v=19$m=19456,t=2,p=1$")])
	fmt.Println(auth.CheckPassword(hash, "correct horse battery staple"))
	fmt.Println(auth.CheckPassword(hash, "Tr0ub4dor&3"))
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1$
	// <nil>
	// auth: password does not match
}
