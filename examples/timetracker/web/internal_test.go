package web

import (
	"strings"
	"testing"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		not      []string
	}{
		{"heading ids", "# Privacy policy\n\n## How the promises are tested\n\n### `LOG_DIR` and **more**",
			[]string{`<h1 id="privacy-policy">Privacy policy</h1>`, `<h2 id="how-the-promises-are-tested">`, `<h3 id="log_dir-and-more"><code>LOG_DIR</code> and <strong>more</strong></h3>`}, nil},
		{"paragraph joins lines", "one\ntwo\n\nthree", []string{"<p>one two</p>", "<p>three</p>"}, nil},
		{"list with continuation", "- **C1** first\n  line\n- second", []string{"<ul>", "<li><strong>C1</strong> first line</li>", "<li>second</li>"}, nil},
		{"table", "| a | b |\n|---|---|\n| `x` | y |", []string{`<th scope="col">a</th>`, "<td><code>x</code></td><td>y</td>"}, nil},
		{"links", "[in](#top) [out](https://example.com/x) [bad](javascript:alert(1)) [rel](/privacy)",
			[]string{`<a href="#top">in</a>`, `<a href="https://example.com/x" rel="noopener noreferrer">out</a>`, `<a href="/privacy">rel</a>`, "bad"},
			[]string{"javascript:"}},
		{"escapes html", "<script>alert(1)</script> & \"q\" `<b>`", []string{"&lt;script&gt;", "&amp;", "&lt;b&gt;"}, []string{"<script>", "<b>"}},
		// A backslash is read as a slash by browsers: /\evil.example is
		// //evil.example, another site. Refused as safeNext refuses it.
		{"backslash in href", `[a](/\evil.example) [b](https://example.com\@evil.example) [c](#x\y)`,
			[]string{"a", "b", "c"}, []string{"href", "evil"}},
		{"unclosed markup is text", "**bold and `code", []string{"**bold and `code"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(renderMarkdown(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q in\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("has %q in\n%s", n, got)
				}
			}
		})
	}
}

func TestNewerVersion(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1.1.0", "1.0.0", true},
		{"v2.0.0", "1.9.9", true},
		{"1.0.0", "1.0.0", false},
		{"1.0.0", "1.0.1", false},
		{"1.0.0", "1.0.0-rc.1", true},
		{"1.0.0-rc.2", "1.0.0-rc.1", true},
		{"1.0.0-rc.1", "1.0.0", false},
		{"0.2.0", "0.1.0-dev", true},
		{"1.10.0", "1.9.0", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+">"+tt.b, func(t *testing.T) {
			if got := newerVersion(tt.a, tt.b); got != tt.want {
				t.Errorf("newerVersion(%q, %q) = %v", tt.a, tt.b, got)
			}
		})
	}
}

func TestChartGeometry(t *testing.T) {
	rep := &domain.Report{Seconds: 3 * 3600, BillableSeconds: 3600, Rows: []domain.ReportRow{
		{Label: "A very long project name that does not fit", Seconds: 2 * 3600, BillableSeconds: 3600},
		{Label: "B", Seconds: 3600},
	}}
	c := newChart(rep, domain.GroupByProject)
	if c == nil || len(c.Bars) != 2 {
		t.Fatalf("chart %+v", c)
	}
	a, b := c.Bars[0], c.Bars[1]
	if a.BillW+a.RestW != 2*(b.BillW+b.RestW) || a.BillW != a.RestW || b.BillW != 0 {
		t.Errorf("bars out of proportion: %+v %+v", a, b)
	}
	if r := []rune(a.Label); len(r) != 24 || r[23] != '…' || a.FullLabel != rep.Rows[0].Label {
		t.Errorf("label %q", a.Label)
	}
	if last := c.Ticks[len(c.Ticks)-1]; last.X < a.BillW+a.RestW+c.BarX-1 {
		t.Errorf("the scale ends at %d, before the longest bar", last.X)
	}
	if !strings.Contains(c.Desc, "B: 1 h, of which 0 min billable") {
		t.Errorf("desc %q", c.Desc)
	}
	if newChart(&domain.Report{}, domain.GroupByDay) != nil {
		t.Error("a chart for an empty report")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/entries?x=1": "/entries?x=1", "": "/", "https://evil.example": "/", "//evil.example": "/",
		"/\\evil.example": "/", "entries": "/", "/a\r\nb": "/",
		// http.Redirect would clean these to "/\evil.example", which
		// browsers follow to evil.example.
		"/./\\evil.example": "/", "/a/..\\/evil.example": "/", "/a/../\\evil.example": "/", "/\t/evil.example": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
