package api_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/api"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Each domain error code has one HTTP status; any other error is a 500.
func ExampleStatus() {
	fmt.Println(api.Status(domain.FieldError("name", "Name is required.")))
	fmt.Println(api.Status(domain.Errorf(domain.ENOTFOUND, "No such project.")))
	fmt.Println(api.Status(fmt.Errorf("disk on fire")))
	// Output:
	// 400
	// 404
	// 500
}
