package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// The import formats: Toggl Track's and Clockify's detailed-report CSV,
// this app's own entries CSV (CSVHeader), and auto, which tells them apart
// by the header.
const (
	FormatAuto     = "auto"
	FormatToggl    = "toggl"
	FormatClockify = "clockify"
	FormatDiscreet = "discreet"
)

// ImportBodyLimit bounds the body of an import request: the largest file
// and room for a multipart form around it (the server's usual limit is
// far smaller).
const ImportBodyLimit = domain.MaxImportBytes + 1<<20

// IsImportPath reports whether path is one of the import routes, which
// take an upload larger than other requests.
func IsImportPath(path string) bool { return path == "/import" || path == APIPrefix+"/import" }

// ImportFormats lists the formats a caller may ask for.
var ImportFormats = []string{FormatAuto, FormatToggl, FormatClockify, FormatDiscreet}

// The orders a file's dates may be written in: year first (2026-03-01),
// month first (03/01/2026) or day first (01/03/2026, 01.03.2026).
const (
	DateYMD = "ymd"
	DateMDY = "mdy"
	DateDMY = "dmy"
)

// ImportOptions configure [ParseImport] and [Import].
type ImportOptions struct {
	// Format is one of ImportFormats; empty means auto.
	Format string
	// DateOrder forces how dates like 03/04/2026 are read (DateMDY or
	// DateDMY); empty means detect it from the file's dates, month first
	// when every date could be read either way and they use slashes.
	DateOrder string
	// Location is the zone of the file's local times (not used for this
	// app's own CSV, whose times carry their offset); nil means UTC.
	Location *time.Location
	// DryRun checks everything and stores nothing.
	DryRun bool
}

// ParsedImport is an import file read into rows.
type ParsedImport struct {
	Format    string
	DateOrder string // how dates were read; "" for this app's own CSV
	Rows      []domain.ImportRow
	// Columns maps row fields to the file's column names (see
	// domain.ImportRequest).
	Columns map[string]string
	// Problems are the rows that could not be read; those rows are not
	// in Rows.
	Problems []domain.ImportProblem
}

// columns of the Toggl Track and Clockify detailed reports that the import
// reads, by field, as lower-cased header names; any other column (User,
// Email, Group, amounts and rates with their currency) is ignored.
var trackerColumns = map[string][]string{
	"client":     {"client"},
	"project":    {"project"},
	"task":       {"task"},
	"notes":      {"description"},
	"billable":   {"billable"},
	"start_date": {"start date"},
	"start_time": {"start time"},
	"end_date":   {"end date"},
	"end_time":   {"end time"},
	"duration":   {"duration", "duration (h)", "duration (decimal)"},
	"tags":       {"tags"},
}

var discreetColumns = map[string][]string{
	"client":   {"client"},
	"project":  {"project"},
	"task":     {"task"},
	"notes":    {"notes"},
	"billable": {"billable"},
	"start":    {"start"},
	"end":      {"end"},
	"tags":     {"tags"},
}

// errTooLarge is returned by the limited reader past MaxImportBytes.
var errTooLarge = errors.New("import file too large")

type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func tooLarge() error {
	return domain.Errorf(domain.ETOOLARGE, "The file is larger than %d MB; export a shorter range and import it in parts.", domain.MaxImportBytes>>20)
}

// ParseImport reads an import file. A problem with the file as a whole
// (too large, not CSV, a header that fits no format, a required column
// missing, too many rows) is an error; a problem with a row is listed in
// the result's Problems, with the row's line and the column's name.
func ParseImport(r io.Reader, opts ImportOptions) (*ParsedImport, error) {
	format := strings.ToLower(strings.TrimSpace(opts.Format))
	switch format {
	case "":
		format = FormatAuto
	case FormatAuto, FormatToggl, FormatClockify, FormatDiscreet:
	default:
		return nil, domain.FieldError("format", "Use one of auto, toggl, clockify or discreet.")
	}
	switch opts.DateOrder {
	case "", DateMDY, DateDMY, DateYMD:
	default:
		return nil, domain.FieldError("date_order", "Use mdy (month first) or dmy (day first), or leave it empty to detect it.")
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	br := bufio.NewReader(&limitedReader{r: r, n: domain.MaxImportBytes})
	// Excel's "Unicode text" is UTF-16 with a byte order mark (and tabs
	// between the cells): read it as the UTF-8 it stands for.
	if b, err := br.Peek(2); err == nil && (bytes.Equal(b, []byte{0xff, 0xfe}) || bytes.Equal(b, []byte{0xfe, 0xff})) {
		u8, err := fromUTF16(br)
		if err != nil {
			return nil, err
		}
		br = bufio.NewReader(bytes.NewReader(u8))
	}
	// A byte order mark, as spreadsheet programs and Clockify write one.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	first, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, errTooLarge) {
			return nil, tooLarge()
		}
		return nil, fmt.Errorf("app: read import: %w", err)
	}
	if err := notText(first); err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma = delimiter(first)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, readError(err, true)
	}
	idx := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		names[i] = h
		k := strings.ToLower(h)
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	if format == FormatAuto {
		if format = detectFormat(idx); format == "" {
			return nil, domain.Errorf(domain.EINVALID, "The first line does not look like the header of a Toggl Track or Clockify detailed report, or of this app's entries CSV: expected columns such as Project, Start date and Start time, or date, start, end and project.")
		}
	}
	spec := trackerColumns
	if format == FormatDiscreet {
		spec = discreetColumns
	}
	p := &parser{format: format, loc: loc, col: map[string]int{}, names: names, out: &ParsedImport{Format: format, Columns: map[string]string{}}}
	for field, cands := range spec {
		for _, c := range cands {
			if i, ok := idx[c]; ok {
				p.col[field] = i
				p.out.Columns[field] = names[i]
				break
			}
		}
	}
	if err := p.checkColumns(); err != nil {
		return nil, err
	}
	if format == FormatDiscreet {
		p.out.Columns["start"] = p.names[p.col["start"]]
	} else {
		p.out.Columns["start"] = names[p.col["start_date"]]
		if i, ok := p.col["end_time"]; ok {
			p.out.Columns["end"] = names[i]
		} else {
			p.out.Columns["end"] = names[p.col["duration"]]
		}
	}
	var records []record
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readError(err, false)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(records) >= domain.MaxImportRows {
			return nil, domain.Errorf(domain.EINVALID, "The file holds more than %s entries; import it in parts of at most that many.", strconv.Itoa(domain.MaxImportRows))
		}
		records = append(records, record{line: line, fields: append([]string(nil), rec...)})
	}
	if format != FormatDiscreet {
		order, err := p.dateOrder(records, opts.DateOrder)
		if err != nil {
			return nil, err
		}
		p.order = order
		p.out.DateOrder = order
	}
	for _, rec := range records {
		if row, ok := p.row(rec); ok {
			p.out.Rows = append(p.out.Rows, row)
		}
	}
	return p.out, nil
}

type record struct {
	line   int
	fields []string
}

func readError(err error, header bool) error {
	if errors.Is(err, errTooLarge) {
		return tooLarge()
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Errorf(domain.EINVALID, "Line %d is not valid CSV (%s); export the file again or fix that line.", pe.Line, pe.Err)
	}
	if header && errors.Is(err, io.EOF) {
		return domain.Errorf(domain.EINVALID, "The file is empty.")
	}
	return fmt.Errorf("app: read import: %w", err)
}

// delimiter guesses the separator from the header line: a comma, a
// semicolon as spreadsheets in many locales write CSV, or a tab as in
// Excel's "Unicode text".
func delimiter(head []byte) rune {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	commas, semis, tabs := bytes.Count(line, []byte(",")), bytes.Count(line, []byte(";")), bytes.Count(line, []byte("\t"))
	switch {
	case tabs > commas && tabs > semis:
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}

// ImportText returns an import file as UTF-8: b itself, or, for a file
// that starts with a UTF-16 byte order mark, its text in UTF-8 (as
// [ParseImport] reads it). The import page keeps a previewed file in the
// form in this form, since a page cannot carry UTF-16 bytes.
func ImportText(b []byte) ([]byte, error) {
	if len(b) < 2 || !(b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff) {
		return b, nil
	}
	if len(b) > domain.MaxImportBytes {
		return nil, tooLarge()
	}
	return fromUTF16(bytes.NewReader(b))
}

// notText refuses a file whose start is not text: a workbook or another
// binary file chosen by mistake, or UTF-16 without a byte order mark.
func notText(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return domain.Errorf(domain.EINVALID, "The file is a spreadsheet workbook (such as .xlsx or .xls), not CSV; save it as CSV (CSV UTF-8 in Excel) and import that.")
	case bytes.IndexByte(head, 0) >= 0:
		return domain.Errorf(domain.EINVALID, "The file is not text CSV (it holds NUL bytes, as UTF-16 without a byte order mark or a binary file does); save it as CSV UTF-8 and import that.")
	case !validUTF8Start(head):
		return domain.Errorf(domain.EINVALID, "The file is not UTF-8 text (spreadsheets in many locales save CSV in a legacy encoding such as Windows-1252 unless told otherwise); save it as CSV UTF-8 and import that.")
	}
	return nil
}

// validUTF8Start reports whether head, the start of a file, is UTF-8, but
// for a character cut at its end.
func validUTF8Start(head []byte) bool {
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n <= 1 {
			return !utf8.FullRune(head)
		}
		head = head[n:]
	}
	return true
}

// fromUTF16 reads the rest of a file that starts with a UTF-16 byte order
// mark (little or big endian) and returns it as UTF-8, with a byte order
// mark of its own for the caller to drop.
func fromUTF16(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, tooLarge()
		}
		return nil, fmt.Errorf("app: read import: %w", err)
	}
	if len(raw)%2 != 0 {
		return nil, domain.Errorf(domain.EINVALID, "The file starts as UTF-16 text but ends in the middle of a character; save it again as CSV UTF-8.")
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if raw[0] == 0xfe {
		order = binary.BigEndian
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = order.Uint16(raw[2*i:])
	}
	return []byte(string(utf16.Decode(units))), nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// detectFormat tells the formats apart by their headers: this app's has
// start, end and duration_seconds; Clockify's has Duration (h) or
// Duration (decimal); Toggl's has Start date and Start time with a plain
// Duration.
func detectFormat(idx map[string]int) string {
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := idx[n]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("start", "end", "project") && (has("duration_seconds") || has("date")):
		return FormatDiscreet
	case has("start date", "start time", "project") && (has("duration (h)") || has("duration (decimal)")):
		return FormatClockify
	case has("start date", "start time", "project"):
		return FormatToggl
	}
	return ""
}

type parser struct {
	format string
	loc    *time.Location
	order  string
	col    map[string]int
	names  []string
	out    *ParsedImport
}

// checkColumns names the required columns the header lacks.
func (p *parser) checkColumns() error {
	var missing []string
	need := func(field, name string) {
		if _, ok := p.col[field]; !ok {
			missing = append(missing, name)
		}
	}
	if p.format == FormatDiscreet {
		need("project", "project")
		need("start", "start")
		need("end", "end")
	} else {
		need("project", "Project")
		need("start_date", "Start date")
		need("start_time", "Start time")
		_, end := p.col["end_time"]
		_, dur := p.col["duration"]
		if !end && !dur {
			missing = append(missing, "End time (or Duration)")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	what := map[string]string{FormatToggl: "Toggl Track", FormatClockify: "Clockify", FormatDiscreet: "this app's"}[p.format]
	return domain.Errorf(domain.EINVALID, "The header lacks the column(s) %s that a %s export has.", strings.Join(missing, ", "), what)
}

func (p *parser) get(rec record, field string) string {
	i, ok := p.col[field]
	if !ok || i >= len(rec.fields) {
		return ""
	}
	return strings.TrimSpace(rec.fields[i])
}

func (p *parser) colName(field string) string {
	if i, ok := p.col[field]; ok {
		return p.names[i]
	}
	return field
}

// dateOrder decides how the file's dates are read: forced, or from the
// dates themselves. A first number above 12 means day first, a second
// above 12 month first; a file with both is refused.
func (p *parser) dateOrder(records []record, forced string) (string, error) {
	if forced != "" {
		return forced, nil
	}
	var dayFirst, monthFirst, dots, slashes, ymd bool
	for _, rec := range records {
		for _, f := range []string{"start_date", "end_date"} {
			d := p.get(rec, f)
			a, b, _, sep, ok := splitDate(d)
			if !ok {
				continue
			}
			if sep == 'y' {
				ymd = true
				continue
			}
			switch sep {
			case '.':
				dots = true
			case '/':
				slashes = true
			}
			if a > 12 {
				dayFirst = true
			}
			if b > 12 {
				monthFirst = true
			}
		}
	}
	switch {
	case dayFirst && monthFirst:
		return "", domain.Errorf(domain.EINVALID, "The dates are written both day first and month first (such as 31/01 and 01/31); export the file again with one date format.")
	case dayFirst:
		return DateDMY, nil
	case monthFirst:
		return DateMDY, nil
	case slashes:
		return DateMDY, nil // ambiguous throughout: the US layout, Clockify's default
	case dots:
		return DateDMY, nil
	case ymd:
		return DateYMD, nil
	}
	return DateDMY, nil // dashes, year last: 01-03-2026 is day first where it is used
}

// splitDate splits a date of three numbers. sep is 'y' for year first
// (2026-03-01, 2026/03/01, 2026.03.01), else the separator of a date with
// the year last; a and b are then the first two numbers.
func splitDate(s string) (a, b, c int, sep byte, ok bool) {
	var parts []string
	for _, s0 := range []byte{'-', '/', '.'} {
		if ps := strings.Split(s, string(s0)); len(ps) == 3 {
			parts, sep = ps, s0
			break
		}
	}
	if parts == nil {
		return 0, 0, 0, 0, false
	}
	var n [3]int
	for i, ps := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(ps))
		if err != nil || v < 0 {
			return 0, 0, 0, 0, false
		}
		n[i] = v
	}
	if len(strings.TrimSpace(parts[0])) == 4 {
		return n[0], n[1], n[2], 'y', true
	}
	if len(strings.TrimSpace(parts[2])) != 4 {
		return 0, 0, 0, 0, false
	}
	return n[0], n[1], n[2], sep, true
}

func (p *parser) parseDate(s string) (y int, m time.Month, d int, ok bool) {
	a, b, c, sep, ok := splitDate(s)
	if !ok {
		return 0, 0, 0, false
	}
	switch {
	case sep == 'y':
		y, m, d = a, time.Month(b), c
	case p.order == DateMDY:
		y, m, d = c, time.Month(a), b
	default:
		y, m, d = c, time.Month(b), a
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1 {
		return 0, 0, 0, false
	}
	// time.Date would carry 31 April into May: refuse it instead.
	if t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

var clockLayouts = []string{"15:04:05", "15:04", "3:04:05 PM", "3:04 PM", "3:04:05PM", "3:04PM", "15:04:05.000"}

// parseClock reads a time of day in 24-hour or 12-hour form.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.ReplaceAll(strings.ReplaceAll(s, "A.M.", "AM"), "P.M.", "PM")
	for _, l := range clockLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second, true
		}
	}
	return 0, false
}

// parseDuration reads 1:30:00 or 1:30 (hours may pass 24) or decimal hours.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if parts := strings.Split(s, ":"); len(parts) == 2 || len(parts) == 3 {
		var d time.Duration
		units := []time.Duration{time.Hour, time.Minute, time.Second}
		for i, ps := range parts {
			v, err := strconv.Atoi(ps)
			if err != nil || v < 0 || (i > 0 && v > 59) {
				return 0, false
			}
			d += time.Duration(v) * units[i]
		}
		return d, true
	}
	h, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || h < 0 || h > 1e5 {
		return 0, false
	}
	return time.Duration(h * float64(time.Hour)).Round(time.Second), true
}

var billableWords = map[string]bool{
	"": false, "yes": true, "no": false, "true": true, "false": false, "1": true, "0": false,
	"y": true, "n": false, "ja": true, "nein": false, "oui": true, "non": false, "sí": true, "si": true,
}

// row reads one record; on a problem it records it and returns false.
func (p *parser) row(rec record) (domain.ImportRow, bool) {
	row := domain.ImportRow{Line: rec.line}
	bad := false
	problem := func(field, format string, args ...any) {
		bad = true
		p.out.Problems = append(p.out.Problems, domain.ImportProblem{Line: rec.line, Column: p.colName(field), Message: fmt.Sprintf(format, args...)})
	}
	text := p.get
	if p.format == FormatDiscreet {
		// Undo the quote this app's CSV puts before a cell a spreadsheet
		// would run as a formula.
		text = func(rec record, field string) string { return unquoteCell(p.get(rec, field)) }
	}
	row.Client, row.Project, row.Task = text(rec, "client"), text(rec, "project"), text(rec, "task")
	row.Notes = text(rec, "notes")
	if b, ok := billableWords[strings.ToLower(p.get(rec, "billable"))]; ok {
		row.Billable = b
	} else {
		problem("billable", "Use Yes or No (or true or false).")
	}
	row.Tags = splitTags(text(rec, "tags"))

	if p.format == FormatDiscreet {
		if s := p.get(rec, "start"); s == "" {
			problem("start", "The start is empty.")
		} else if t, err := time.Parse(time.RFC3339, s); err != nil {
			problem("start", "Use an RFC 3339 time such as 2026-03-01T09:00:00Z.")
		} else {
			row.Start = t
		}
		if s := p.get(rec, "end"); s != "" {
			if t, err := time.Parse(time.RFC3339, s); err != nil {
				problem("end", "Use an RFC 3339 time such as 2026-03-01T17:00:00Z.")
			} else {
				row.End = t
			}
		}
		return row, !bad
	}

	// A totals line, as some report exports end with.
	if p.get(rec, "start_date") == "" && p.get(rec, "start_time") == "" && len(rec.fields) > 0 &&
		strings.EqualFold(strings.TrimSpace(rec.fields[0]), "total") {
		return row, false
	}
	sd := p.get(rec, "start_date")
	y, m, d, okDate := p.parseDate(sd)
	if !okDate {
		problem("start_date", "%s", p.dateMessage(sd))
	}
	st, okTime := parseClock(p.get(rec, "start_time"))
	if !okTime {
		problem("start_time", "Use a time such as 09:30:00 or 9:30 AM.")
	}
	if okDate && okTime {
		row.Start = wallClock(y, m, d, st, p.loc)
	}
	et, hasEnd := time.Duration(0), false
	if s := p.get(rec, "end_time"); s != "" {
		var ok bool
		if et, ok = parseClock(s); !ok {
			problem("end_time", "Use a time such as 17:00:00 or 5:00 PM.")
		}
		hasEnd = ok
	}
	ey, em, ed := y, m, d
	endDate := false
	if s := p.get(rec, "end_date"); s != "" {
		var ok bool
		if ey, em, ed, ok = p.parseDate(s); !ok {
			problem("end_date", "%s", p.dateMessage(s))
		}
		endDate = ok
	}
	switch {
	case bad:
	case hasEnd:
		row.End = wallClock(ey, em, ed, et, p.loc)
		if !endDate && row.End.Before(row.Start) {
			row.End = wallClock(ey, em, ed+1, et, p.loc) // past midnight
		}
	default:
		ds := p.get(rec, "duration")
		if ds == "" {
			problem("end_time", "The end time is empty (and there is no duration).")
			break
		}
		dur, ok := parseDuration(ds)
		if !ok {
			problem("duration", "Use a duration such as 01:30:00.")
			break
		}
		row.End = row.Start.Add(dur)
	}
	return row, !bad
}

// wallClock is the time the clocks of loc show at clock (a time of day)
// on the date: on a day daylight saving time starts or ends, that is not
// midnight plus clock, since the day is shorter or longer.
func wallClock(y int, m time.Month, d int, clock time.Duration, loc *time.Location) time.Time {
	h, mi, sec := int(clock/time.Hour), int(clock/time.Minute%60), int(clock/time.Second%60)
	return time.Date(y, m, d, h, mi, sec, 0, loc)
}

func (p *parser) dateMessage(s string) string {
	if s == "" {
		return "The date is empty."
	}
	switch p.order {
	case DateMDY:
		return "Use a date such as 2026-03-31 or 03/31/2026 (month first, as the other dates of the file)."
	case DateDMY:
		return "Use a date such as 2026-03-31 or 31/03/2026 (day first, as the other dates of the file)."
	}
	return "Use a date such as 2026-03-31."
}

// unquoteCell undoes safeCell.
func unquoteCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// splitTags splits a comma-separated list, trimming each tag and dropping
// empty ones and repeats (ignoring case).
func splitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}

// Import reads an import file and hands its rows to s, for the user: all
// stored in one transaction, or, when any row has a problem (in the file
// or in the store's checks), nothing, with the problems of every row in
// line order (at most domain.MaxImportErrors, and their total). With
// opts.DryRun nothing is stored and the result says what would be.
func Import(ctx context.Context, s domain.ImportService, userID int64, r io.Reader, opts ImportOptions) (*domain.ImportResult, error) {
	parsed, err := ParseImport(r, opts)
	if err != nil {
		return nil, err
	}
	if len(parsed.Rows) == 0 && len(parsed.Problems) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "The file holds no entries, only a header.")
	}
	res, err := s.ImportEntries(ctx, userID, domain.ImportRequest{
		Rows: parsed.Rows, Columns: parsed.Columns, DryRun: opts.DryRun || len(parsed.Problems) > 0,
	})
	if err != nil {
		return nil, err
	}
	res.DryRun = opts.DryRun
	res.Format, res.DateOrder = parsed.Format, parsed.DateOrder
	res.RowsWithTags = 0
	for i := range parsed.Rows {
		if len(parsed.Rows[i].Tags) > 0 {
			res.RowsWithTags++
		}
	}
	all := append(append([]domain.ImportProblem{}, parsed.Problems...), res.Problems...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
	res.ProblemCount = len(all)
	if len(all) > domain.MaxImportErrors {
		all = all[:domain.MaxImportErrors]
	}
	res.Problems = all
	if res.ProblemCount > 0 {
		res.Imported = false
	}
	return res, nil
}
