package domain_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// Domain types validate themselves, so the store, the API and the pages
// refuse the same input with the same message, naming the field.
func ExampleEntry_Validate() {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end := start.Add(-time.Hour)
	for _, e := range []domain.Entry{
		{Start: start, Notes: "Homepage layout"},
		{Start: start, End: &end},
		{Start: start, Notes: strings.Repeat("n", domain.MaxNotesLen+1)},
	} {
		err := e.Validate()
		fmt.Printf("%q %q\n", domain.ErrorField(err), domain.ErrorMessage(err))
	}
	// Output:
	// "" ""
	// "end" "The end must not be before the start."
	// "notes" "Notes are too long: at most 10,000 characters."
}
