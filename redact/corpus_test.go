package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// corpusCase is one labelled example of testdata/corpus/cases.jsonl: what
// goes in, what must come out, and the category it belongs to. A category
// named keep-… holds near misses that must come out unchanged.
type corpusCase struct {
	Cat  string `json:"cat"`
	In   string `json:"in"`
	Want string `json:"want"`
	Note string `json:"note"`
}

func readCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/corpus/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var c corpusCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("cases.jsonl:%d: %v", n, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

var allMarkers = []string{Email, Token, IP, Redacted, Credentials, Card, IBAN, Phone, IDNumber, Secret, PrivateKey}

// TestCorpus scrubs every labelled case and prints, per category, recall
// (cases whose sensitive spans all came out as wanted) and precision
// (cases where the engine put in no marker it should not have). Any case
// that does not come out exactly as labelled fails the test.
//
// claim: L5
func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 300 {
		t.Fatalf("corpus has %d cases, want at least 300", len(cases))
	}
	type tally struct{ n, exact, overMarked int }
	stats := map[string]*tally{}
	e := Default()
	for i, c := range cases {
		got := e.String(c.In)
		st := stats[c.Cat]
		if st == nil {
			st = &tally{}
			stats[c.Cat] = st
		}
		st.n++
		if got == c.Want {
			st.exact++
		} else {
			t.Errorf("case %d (%s): String(%q)\n got %q\nwant %q", i+1, c.Cat, c.In, got, c.Want)
		}
		for _, m := range allMarkers {
			if strings.Count(got, m) > strings.Count(c.Want, m) {
				st.overMarked++
				break
			}
		}
		if js := e.AppendJSONString(nil, c.In); true {
			var back string
			if err := json.Unmarshal(js, &back); err != nil || back != got {
				t.Errorf("case %d: AppendJSONString disagrees with String: %s", i+1, js)
			}
		}
	}
	cats := make([]string, 0, len(stats))
	for c := range stats {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %6s %8s %10s\n", "category", "cases", "recall", "precision")
	for _, c := range cats {
		st := stats[c]
		recall := "-"
		if !strings.HasPrefix(c, "keep-") {
			recall = fmt.Sprintf("%.1f%%", 100*float64(st.exact)/float64(st.n))
		}
		precision := fmt.Sprintf("%.1f%%", 100*float64(st.n-st.overMarked)/float64(st.n))
		fmt.Fprintf(&b, "%-18s %6d %8s %10s\n", c, st.n, recall, precision)
	}
	t.Logf("redaction corpus, %d cases:\n%s", len(cases), b.String())
}

// jsonEqual reports whether the JSON string literal js decodes to want.
func jsonEqual(js []byte, want string) bool {
	var got string
	return json.Unmarshal(js, &got) == nil && got == want
}
