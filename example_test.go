package discreet_test

import (
	"fmt"
	"regexp"

	"github.com/discreet-dev/discreet"
)

// The privacy policy travels with the library, so an application can show
// its users the same promises the tests check.
func Example_privacyPolicy() {
	ids := regexp.MustCompile(`(?m)^- \*\*([A-Z][0-9]+)\*\*`).FindAllStringSubmatch(discreet.PrivacyPolicy, -1)
	fmt.Println(len(ids), "promises, from", ids[0][1], "to", ids[len(ids)-1][1])
	// Output: 34 promises, from C1 to R3
}
