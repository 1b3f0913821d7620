package discreet

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/internal/claimtest"
)

// The claim IDs of the privacy contract. PRIVACY.md must state each one.
var contractIDs = func() []string {
	var ids []string
	for prefix, n := range map[string]int{"C": 6, "L": 8, "M": 3, "S": 3, "A": 5, "T": 6, "R": 3} {
		for i := 1; i <= n; i++ {
			ids = append(ids, prefix+string(rune('0'+i)))
		}
	}
	sort.Strings(ids)
	return ids
}()

var policyID = regexp.MustCompile(`(?m)^- \*\*([CLMSATR][0-9]+)\*\*`)

// TestClaims is the traceability check of the privacy contract: every promise
// in PRIVACY.md is carried by at least one test marked "// claim: ID", and no
// test names a promise that PRIVACY.md lacks. With -v it prints the table:
// each claim, its mutations in the claims mutation suite (killed/total in
// the last run of ./internal/claimtest/mutate, or how many are declared
// when it has not run), and its tests.
func TestClaims(t *testing.T) {
	stated := map[string]bool{}
	for _, m := range policyID.FindAllStringSubmatch(PrivacyPolicy, -1) {
		if stated[m[1]] {
			t.Errorf("PRIVACY.md states %s twice", m[1])
		}
		stated[m[1]] = true
	}
	for _, id := range contractIDs {
		if !stated[id] {
			t.Errorf("PRIVACY.md does not state claim %s of the contract", id)
		}
	}

	tests := map[string][]string{} // claim ID -> "path: TestName"
	tagged, problems, err := claimtest.Tagged(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	for id, ts := range tagged {
		for _, tt := range ts {
			tests[id] = append(tests[id], tt.File+": "+tt.Func)
		}
	}

	for id := range tests {
		if !stated[id] {
			t.Errorf("tests name claim %s, which PRIVACY.md does not state: %v", id, tests[id])
		}
	}
	muts := mutationColumn(t, stated)
	ids := make([]string, 0, len(stated))
	for id := range stated {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fns := tests[id]
		slices.Sort(fns)
		fns = slices.Compact(fns)
		if len(fns) == 0 {
			t.Errorf("claim %s has no test carrying // claim: %s", id, id)
			continue
		}
		t.Logf("%-3s %-11s %s", id, muts[id], strings.Join(fns, "\n                "))
	}
}

// mutationColumn returns, per claim, "mut k/n" from the results of the
// last mutation run (mutations declared since then count as not killed),
// or "mut n" when there are no results. It fails the test for a claim with
// fewer than two mutations or a mutation of a claim PRIVACY.md lacks. It
// reads a file and never runs the suite, so TestClaims stays fast.
func mutationColumn(t *testing.T, stated map[string]bool) map[string]string {
	if err := claimtest.Check(claimtest.Mutations); err != nil {
		t.Error(err)
	}
	results, err := claimtest.ReadResults(".")
	if err != nil {
		t.Error(err)
	}
	killed := map[string]bool{}
	for _, r := range results {
		killed[r.ID] = r.Outcome == claimtest.Killed
	}
	total, k := map[string]int{}, map[string]int{}
	for _, m := range claimtest.Mutations {
		if !stated[m.Claim] {
			t.Errorf("mutation %s breaks claim %s, which PRIVACY.md does not state", m.ID, m.Claim)
		}
		total[m.Claim]++
		if killed[m.ID] {
			k[m.Claim]++
		}
	}
	out := map[string]string{}
	for id := range stated {
		if total[id] < 2 {
			t.Errorf("claim %s has %d mutations in internal/claimtest; declare at least two", id, total[id])
		}
		if results != nil {
			out[id] = fmt.Sprintf("mut %d/%d", k[id], total[id])
		} else {
			out[id] = fmt.Sprintf("mut %d", total[id])
		}
	}
	return out
}
