package app_test

import (
	"fmt"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Each domain error code has one HTTP status; any other error is a 500.
// A form shown again for input the user can fix is a 422.
func ExampleStatus() {
	fmt.Println(app.Status(domain.FieldError("name", "Name is required.")))
	fmt.Println(app.Status(domain.Errorf(domain.ENOTFOUND, "No such project.")))
	fmt.Println(app.Status(fmt.Errorf("disk on fire")))
	fmt.Println(app.FormStatus(domain.FieldError("name", "Name is required.")))
	// Output:
	// 400
	// 404
	// 500
	// 422
}
