package app_test

import (
	"fmt"
	"strings"
	"time"

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

// ParseImport tells a Clockify export from the others by its header and
// reads its dates in the order the file uses: 13/03 can only be day
// first.
func ExampleParseImport() {
	csv := "Project,Client,Description,Billable,Start Date,Start Time,End Date,End Time,Duration (h),Billable Amount (EUR)\n" +
		"Website,Acme,Layout,Yes,13/03/2026,1:15:00 PM,13/03/2026,2:00:00 PM,00:45:00,60.00\n"
	p, err := app.ParseImport(strings.NewReader(csv), app.ImportOptions{Location: time.UTC})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := p.Rows[0]
	fmt.Println(p.Format, p.DateOrder, r.Client, r.Project, r.Start.Format(time.RFC3339), r.End.Sub(r.Start))
	// Output: clockify dmy Acme Website 2026-03-13T13:15:00Z 45m0s
}
