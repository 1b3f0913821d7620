package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// chart is a horizontal bar chart of a report, drawn on the server as
// SVG: one bar per row, its billable part and the rest side by side. It
// needs no script, and its title and description tell a screen reader
// what the bars show.
type chart struct {
	Title  string
	Desc   string
	Width  int
	Height int
	Bars   []chartBar
	Ticks  []chartTick
	// Geometry shared by the bars.
	LabelX, BarX, BarH, AxisY int
}

type chartBar struct {
	Label     string // shortened to fit
	FullLabel string
	Seconds   int64
	Billable  int64
	Y         int // top of the bar
	TextY     int // baseline of its label
	BillW     int
	RestX     int
	RestW     int
	ValueX    int
	Value     string
}

type chartTick struct {
	X     int
	Label string
}

const (
	chartWidth  = 720
	chartLabelW = 170 // room for the labels on the left
	chartValueW = 64  // room for the value after the longest bar
	chartRowH   = 30
	chartBarH   = 20
	chartTop    = 8
	chartAxisH  = 26
)

func newChart(rep *domain.Report, by domain.GroupBy) *chart {
	if rep == nil || len(rep.Rows) == 0 || rep.Seconds == 0 {
		return nil
	}
	what := strings.ToLower(groupLabels[by])
	c := &chart{
		Title:  "Hours by " + what,
		Width:  chartWidth,
		LabelX: chartLabelW - 10,
		BarX:   chartLabelW,
		BarH:   chartBarH,
	}
	var max int64
	for _, r := range rep.Rows {
		if r.Seconds > max {
			max = r.Seconds
		}
	}
	// The scale ends on a round number of hours, so the ticks are too.
	maxH := float64(max) / 3600
	step := niceStep(maxH / 4)
	top := math.Ceil(maxH/step) * step
	if top <= 0 {
		top = step
	}
	span := float64(chartWidth - chartLabelW - chartValueW)
	scale := func(secs int64) int { return int(math.Round(float64(secs) / 3600 / top * span)) }

	var desc []string
	for i, r := range rep.Rows {
		y := chartTop + i*chartRowH
		b := chartBar{
			Label:     shorten(r.Label, 24),
			FullLabel: r.Label,
			Seconds:   r.Seconds,
			Billable:  r.BillableSeconds,
			Y:         y + (chartRowH-chartBarH)/2,
			TextY:     y + chartRowH/2 + 5,
			BillW:     scale(r.BillableSeconds),
			Value:     formatDuration(time.Duration(r.Seconds) * time.Second),
		}
		total := scale(r.Seconds)
		if total < b.BillW {
			total = b.BillW
		}
		b.RestX = chartLabelW + b.BillW
		b.RestW = total - b.BillW
		b.ValueX = chartLabelW + total + 6
		c.Bars = append(c.Bars, b)
		desc = append(desc, fmt.Sprintf("%s: %s, of which %s billable",
			r.Label, formatDurationLong(time.Duration(r.Seconds)*time.Second), formatDurationLong(time.Duration(r.BillableSeconds)*time.Second)))
	}
	c.AxisY = chartTop + len(rep.Rows)*chartRowH + 4
	c.Height = c.AxisY + chartAxisH
	for v := 0.0; v <= top+step/2; v += step {
		c.Ticks = append(c.Ticks, chartTick{
			X:     chartLabelW + int(math.Round(v/top*span)),
			Label: strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".") + " h",
		})
	}
	c.Desc = "Bar chart, one bar per " + what + ", billable time in the darker part. " + strings.Join(desc, "; ") + "."
	return c
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten (in hours),
// at least a quarter of an hour.
func niceStep(raw float64) float64 {
	if raw <= 0.25 {
		return 0.25
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// shorten cuts s to at most n characters, ending with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
