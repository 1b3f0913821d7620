package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserDay plays a user's whole life in the app in Debian's
// chromium: sign up, time some work with the timer, add an entry by hand,
// read the report and its chart, download the CSV, opt out of analytics,
// export the data and delete the account. Every page it visits must pass
// a small accessibility check and load without a console error (a script
// or style the CSP refused would be one). A screenshot of each step is
// saved; the directory is kept when the test fails.
//
// claim: C6 (the opt-out in the privacy settings), R1 (export), R2 (erasure)
func TestBrowserDay(t *testing.T) {
	bin := os.Getenv("CHROMIUM_BIN")
	if bin == "" {
		t.Skip("CHROMIUM_BIN is not set: set it to a chromium binary (for example /usr/bin/chromium) to run the browser tests")
	}
	// The app's clock runs ahead when the test says so, to give the timer
	// a real length without waiting.
	var ahead atomic.Int64
	// The flow moves that clock 25 minutes on; begun late in a UTC day it
	// would stop the timer on the next day, out of "today". Such a run
	// starts with the app's clock three hours behind, so the whole flow
	// stays within one day.
	if time.Now().UTC().Hour() >= 21 {
		ahead.Store(int64(-3 * time.Hour))
	}
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	e := newEnv(t, envOptions{csp: true, now: clock, version: "1.0.0"})

	shots, err := os.MkdirTemp("", "timetracker-browser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("KEEP_SCREENSHOTS") != "" {
			t.Logf("screenshots kept in %s", shots)
			return
		}
		os.RemoveAll(shots)
	})
	downloads := filepath.Join(shots, "downloads")
	profile := filepath.Join(shots, "profile")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Console errors and refused resources, collected for the whole run.
	var (
		consoleMu   sync.Mutex
		consoleErrs []string
		// allow422 is set while a form is sent that must be refused:
		// chromium logs the 422 answer as a console error.
		allow422 atomic.Bool
	)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium (%s): %v", bin, err)
	}
	go func() {
		for m, err := range chromedp.Console(bctx) {
			if err != nil {
				return
			}
			if allow422.Load() && strings.Contains(m.Text, "status of 422") {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || strings.Contains(m.Text, "Content Security Policy") {
				consoleMu.Lock()
				consoleErrs = append(consoleErrs, string(m.Type)+": "+m.Text)
				consoleMu.Unlock()
			}
		}
	}()
	if _, err := chromedp.CallBrowser(bctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true),
	}); err != nil {
		t.Fatal(err)
	}

	b := &ui{t: t, ctx: bctx, base: e.srv.URL, shots: shots, downloads: downloads}
	checkConsole := func(step string) {
		t.Helper()
		consoleMu.Lock()
		defer consoleMu.Unlock()
		for _, m := range consoleErrs {
			t.Errorf("%s: browser console: %s", step, m)
		}
		consoleErrs = nil
	}

	// 1. Sign up.
	b.open("/signup")
	b.step("signup-empty")
	b.typeInto("#name", "Grace Hopper")
	b.typeInto("#email", "grace@example.com")
	b.typeInto("#password", "a long enough passphrase")
	b.submit("form[action='/signup'] button[type=submit]")
	b.wantPath("/projects")
	b.wantText(".flash", "Welcome")
	b.step("signed-up")

	// 2. Two projects: one billable, one not.
	b.typeInto("#project-name", "Website")
	b.submit("#create-project")
	b.wantText("h1", "Website")
	b.open("/projects")
	b.typeInto("#project-name", "Internal")
	b.click("#project-billable") // billable is ticked for a new project; untick
	b.submit("#create-project")
	b.wantText("h1", "Internal")
	b.step("project-created")

	// 3. Start the timer on Website, with notes.
	b.open("/")
	b.selectByText("#timer-project", "Website")
	b.typeInto("#timer-notes", "Landing page copy")
	b.typeInto("#timer-tags", "copy, Urgent")
	b.submit("#start-timer")
	b.wantPath("/")
	b.wantText(".timer-card", "Landing page copy")
	b.wantText(".timer-card .timer-tags", "Urgent")
	b.waitVisible("#timer-elapsed")
	b.step("timer-running")

	// 4. Twenty-five minutes later (by the app's clock), stop it.
	ahead.Add(int64(25 * time.Minute))
	b.submit("#stop-timer")
	b.wantText(".flash", "Timer stopped")
	today := b.text("section[aria-labelledby=today-heading]")
	if !strings.Contains(today, "Website") || !strings.Contains(today, "0:25") {
		t.Errorf("today's entries after stopping the timer:\n%s", today)
	}
	b.step("timer-stopped")

	// 5. Add an entry by hand: 2.5 hours on Internal, today.
	b.open("/entries")
	b.selectByText("#entry-project", "Internal")
	day := clock().UTC().Format("2006-01-02")
	b.setValue("#entry-date", day)
	b.setValue("#entry-start", "09:00")
	b.setValue("#entry-end", "11:30")
	b.typeInto("#entry-notes", "Planning")
	// The user's tags are suggested: the timer's two.
	var suggested []string
	b.eval(`[...document.querySelectorAll("#entry-tags-options option")].map(o => o.value)`, &suggested)
	if strings.Join(suggested, ",") != "copy,Urgent" {
		t.Errorf("tag suggestions %q, want the timer's tags", suggested)
	}
	// After a comma, the suggestions complete the list typed so far,
	// without the tags already in it.
	b.typeInto("#entry-tags", "urgent, ")
	b.eval(`[...document.querySelectorAll("#entry-tags-options option")].map(o => o.value)`, &suggested)
	if strings.Join(suggested, "|") != "urgent, copy" {
		t.Errorf("tag suggestions after a comma %q, want the list completed", suggested)
	}
	b.setValue("#entry-tags", "planning")
	b.submit("#add-entry")
	b.wantText(".flash", "Entry added")
	list := b.text("section[aria-labelledby=list-heading]")
	if !strings.Contains(list, "Internal") || !strings.Contains(list, "2:30") || !strings.Contains(list, "Website") {
		t.Errorf("entries list:\n%s", list)
	}
	b.step("entry-added")

	// 5b. The timer form suggests the notes of the chosen project; the
	// script follows a change of project.
	b.open("/")
	notesList := func(project string) string {
		t.Helper()
		b.selectByText("#timer-project", project)
		var list string
		b.eval(`(() => { document.getElementById("timer-project").dispatchEvent(new Event("change"));
			const id = document.getElementById("timer-notes").getAttribute("list") || "";
			const dl = id && document.getElementById(id);
			return dl ? [...dl.options].map(o => o.value).join("|") : "" })()`, &list)
		return list
	}
	if got := notesList("Internal"); got != "Planning" {
		t.Errorf("notes suggested for Internal: %q, want Planning", got)
	}
	if got := notesList("Website"); got != "Landing page copy" {
		t.Errorf("notes suggested for Website: %q, want Landing page copy", got)
	}

	// 6. The report of this week, by project: two bars of the right size.
	b.open("/reports")
	b.waitVisible("#report-chart")
	b.step("report")
	var bars []struct {
		Label    string  `json:"label"`
		Seconds  int64   `json:"seconds"`
		Billable int64   `json:"billable"`
		BillW    float64 `json:"billW"`
		RestW    float64 `json:"restW"`
	}
	b.eval(`[...document.querySelectorAll("#report-chart g.bar")].map(g => ({
		label: g.dataset.label, seconds: +g.dataset.seconds, billable: +g.dataset.billableSeconds,
		billW: +(g.querySelector("rect.bar-billable")?.getAttribute("width") || 0),
		restW: +(g.querySelector("rect.bar-rest")?.getAttribute("width") || 0)}))`, &bars)
	if len(bars) != 2 {
		t.Fatalf("chart bars = %+v, want Internal and Website", bars)
	}
	in, web := bars[0], bars[1]
	if in.Label != "Internal" || in.Seconds != 9000 || in.Billable != 0 || in.BillW != 0 || in.RestW <= 0 {
		t.Errorf("Internal bar = %+v, want 9000 s, none billable, a grey bar only", in)
	}
	if web.Label != "Website" || web.Seconds < 1500 || web.Seconds > 1560 || web.Billable != web.Seconds || web.BillW <= 0 || web.RestW != 0 {
		t.Errorf("Website bar = %+v, want about 1500 s, all billable, a blue bar only", web)
	}
	if in.RestW <= web.BillW*5 {
		t.Errorf("bar lengths %v (2.5 h) and %v (25 min) are out of proportion", in.RestW, web.BillW)
	}
	title := b.text("#report-chart title#chart-title")
	desc := b.text("#report-chart desc")
	if title == "" || !strings.Contains(desc, "Internal: 2 h 30 min") {
		t.Errorf("chart title %q, desc %q", title, desc)
	}

	// 7. Download the CSV.
	csvBytes := b.download("#csv-download")
	rows, err := csv.NewReader(bytes.NewReader(csvBytes)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("CSV: %v\n%s", err, csvBytes)
	}
	if rows[0][0] != "date" || !strings.Contains(string(csvBytes), "Internal") || !strings.Contains(string(csvBytes), "Landing page copy") ||
		!strings.Contains(string(csvBytes), "\"copy, Urgent\"") {
		t.Errorf("CSV content:\n%s", csvBytes)
	}

	// 7b. Filter the report: by tag, grouped by tag, then by task under
	// each project; step through the weeks and back; the CSV follows.
	b.selectByText("#report-group", "Tag")
	b.selectByText("#report-tag", "Urgent")
	b.submit("#show-report")
	b.wantPath("/reports")
	b.wantText(".report-table tbody", "Urgent")
	b.wantText(".report-table tbody", "copy")
	b.wantText("#tag-overlap-note", "counts under each")
	b.step("report-by-tag")
	var search string
	b.eval(`location.search`, &search)
	if !strings.Contains(search, "group_by=tag") || !strings.Contains(search, "tag_id=") {
		t.Errorf("the filtered report's address %q lacks its filters", search)
	}
	b.submit("#range-next")
	b.wantText(".empty", "No finished entries")
	var nextSearch string
	b.eval(`location.search`, &nextSearch)
	if !strings.Contains(nextSearch, "group_by=tag") || !strings.Contains(nextSearch, "tag_id=") || nextSearch == search {
		t.Errorf("next range %q does not keep the filters or does not move", nextSearch)
	}
	b.submit("#range-prev")
	b.wantText(".report-table tbody", "Urgent")
	b.step("report-next-and-back")
	var csvHref string
	b.eval(`document.getElementById("csv-download").getAttribute("href")`, &csvHref)
	if !strings.Contains(csvHref, "tag_id=") {
		t.Errorf("the CSV link %q does not carry the tag filter", csvHref)
	}
	filtered := b.download("#csv-download")
	if rows, err := csv.NewReader(bytes.NewReader(filtered)).ReadAll(); err != nil || len(rows) != 2 || strings.Contains(string(filtered), "Planning") {
		t.Errorf("filtered CSV: %v\n%s", err, filtered)
	}
	b.open("/reports")
	b.selectByText("#report-group", "Project")
	b.selectByText("#report-billable", "Not billable")
	b.submit("#show-report")
	b.wantText(".report-table tbody", "Internal")
	b.wantText(".report-table .task-row", "No task")
	b.step("report-not-billable-by-project")
	// 7b. The timesheet of this week: a row per project, a labelled cell
	// per day; type 1:30 into Internal's cell of another day and save.
	b.open("/timesheet")
	b.wantText("h1", "Timesheet")
	b.step("timesheet")
	now := clock().UTC()
	other := now.AddDate(0, 0, 1)
	if now.Weekday() == time.Sunday {
		other = now.AddDate(0, 0, -1) // stay in this week
	}
	cell := fmt.Sprintf(`input[aria-label="Internal, %s %s"]`, other.Format("Monday"), other.Format("2006-01-02"))
	var cells int
	b.eval(`document.querySelectorAll("#timesheet input.cell[aria-label]").length`, &cells)
	if cells != 14 {
		t.Errorf("timesheet has %d labelled cells, want 2 rows of 7", cells)
	}
	b.typeInto(cell, "1:30")
	b.submit("form[action='/timesheet'] button[type=submit]")
	b.wantPath("/timesheet")
	b.wantText(".flash", "Timesheet saved")
	var typed string
	b.eval(fmt.Sprintf(`document.querySelector(%q).value`, cell), &typed)
	if typed != "1:30" {
		t.Errorf("the saved cell shows %q, want 1:30", typed)
	}
	// A bad cell: the error names the row and the day, nothing is saved.
	b.typeInto(cell, "1:75")
	allow422.Store(true)
	b.submitWant("form[action='/timesheet'] button[type=submit]", 422)
	b.wantText("#timesheet-errors", fmt.Sprintf("Internal, %s %s: \"1:75\" is not a length", other.Format("Monday"), other.Format("2006-01-02")))
	b.step("timesheet-error")
	time.Sleep(100 * time.Millisecond) // let the 422's console line arrive
	allow422.Store(false)

	// 8. Opt out of product analytics.
	b.open("/settings/privacy")
	b.step("privacy-settings")
	b.click("#analytics_opt_out")
	b.submit("#save-privacy")
	b.wantText(".flash", "Privacy choice saved")
	var checked bool
	b.eval(`document.getElementById("analytics_opt_out").checked`, &checked)
	if !checked {
		t.Error("the opt-out box is not ticked after saving")
	}
	b.step("opted-out")

	// 9. Export my data.
	exported := b.download("#export-data")
	var ex struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Projects []json.RawMessage `json:"projects"`
		Entries  []struct {
			Notes string `json:"notes"`
		} `json:"entries"`
		Consent struct {
			AnalyticsOptOut bool `json:"analytics_opt_out"`
		} `json:"consent"`
	}
	if err := json.Unmarshal(exported, &ex); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, exported)
	}
	if ex.User.Email != "grace@example.com" || len(ex.Projects) != 2 || len(ex.Entries) != 3 || !ex.Consent.AnalyticsOptOut {
		t.Errorf("export = %+v", ex)
	}

	// 9b. The Excel download of the report, and an import from Toggl:
	// the preview says what will be created, confirming stores it.
	b.open("/reports")
	if x := b.download("#xlsx-entries-download"); !bytes.HasPrefix(x, []byte("PK")) {
		t.Errorf("the Excel download is not a workbook: %.40q", x)
	}
	b.open("/entries")
	b.click("#import-link")
	b.do("wait for the import page", chromedp.WaitVisible(chromedp.CSS("#import-file")))
	b.a11y()
	fixture, err := filepath.Abs("../app/testdata/toggl_detailed.csv")
	if err != nil {
		t.Fatal(err)
	}
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{fixture}))
	b.submit("#import-form button[type=submit]")
	b.waitVisible("#import-preview")
	b.wantText("#import-entries", "3")
	b.wantText("#import-new-clients", "Acme")
	b.step("import-preview")
	b.submit("#import-confirm button[type=submit]")
	b.wantPath("/entries")
	b.wantText(".flash", "Import done")
	b.open("/entries?from=2026-03-01&to=2026-03-07")
	b.wantText("section[aria-labelledby=list-heading]", "Homepage layout")
	b.step("import-done")

	// The same pages on a phone.
	b.phone(true)
	b.open("/")
	b.step("phone-dashboard")
	b.open("/reports")
	b.step("phone-report")
	b.open("/entries")
	b.step("phone-entries")
	b.open("/timesheet")
	b.step("phone-timesheet")
	b.phone(false)

	// The pages not visited yet get the accessibility check too.
	for _, p := range []string{"/clients", "/tags", "/settings/profile", "/settings/tokens", "/admin", "/privacy"} {
		b.open(p)
		b.step(strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
	}
	b.open(fmt.Sprintf("/projects/%d", 1))
	b.step("project-page")

	// 10. Delete the account, with the confirmation step.
	b.open("/settings/privacy")
	b.submit("#delete-account")
	b.wantPath("/settings/delete")
	b.step("delete-confirm")
	b.typeInto("#confirm-password", "a long enough passphrase")
	b.submit("#confirm-delete")
	b.wantPath("/signin")
	b.wantText(".flash", "deleted")
	b.step("deleted")
	b.open("/")
	b.wantPath("/signin") // signed out: the dashboard sends us to sign in
	if n, err := e.db.CountUsers(context.Background()); err != nil || n != 0 {
		t.Errorf("users left after deletion: %d, %v", n, err)
	}
	if len(e.erased) != 1 {
		t.Errorf("log erasure calls: %v, want one", e.erased)
	}
	checkConsole("the whole run")
}

func ptr[T any](v T) *T { return &v }

// ui drives one tab and fails the test on any error.
type ui struct {
	t         *testing.T
	ctx       context.Context
	base      string
	shots     string
	downloads string
	n         int
	visited   map[string]bool
}

func (b *ui) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *ui) eval(js string, out any) {
	b.t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](js))
	if err != nil {
		b.t.Fatalf("evaluate %.60q: %v", js, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.t.Fatalf("evaluate %.60q: %v (%s)", js, err, raw)
	}
}

// open loads a path and checks the page.
func (b *ui) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
	b.a11y()
}

// submit clicks a button that sends a form and waits for the next page.
func (b *ui) submit(sel string) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if res != nil && res.Status >= 400 {
		b.t.Errorf("click %s: the next page answered %d", sel, res.Status)
	}
	b.do("wait for the page", chromedp.WaitReady(chromedp.CSS("body")))
	b.a11y()
}

// submitWant is submit for a form whose answer must have status want.
func (b *ui) submitWant(sel string, want int64) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if res == nil || res.Status != want {
		b.t.Errorf("click %s: the next page answered %v, want %d", sel, res, want)
	}
	b.do("wait for the page", chromedp.WaitReady(chromedp.CSS("body")))
	b.a11y()
}

func (b *ui) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (b *ui) typeInto(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (b *ui) setValue(sel, v string) {
	b.t.Helper()
	b.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
}

func (b *ui) waitVisible(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// selectByText picks the option whose text starts with text.
func (b *ui) selectByText(sel, text string) {
	b.t.Helper()
	var ok bool
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		const o = [...s.options].find(o => o.text.startsWith(%q));
		if (!o) return false; s.value = o.value; return true })()`, sel, text), &ok)
	if !ok {
		b.t.Fatalf("%s has no option %q", sel, text)
	}
}

func (b *ui) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *ui) wantText(sel, want string) {
	b.t.Helper()
	var got string
	b.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent).join("\n")`, sel), &got)
	if !strings.Contains(got, want) {
		b.t.Errorf("%s: text %q lacks %q", sel, strings.Join(strings.Fields(got), " "), want)
	}
}

func (b *ui) wantPath(want string) {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	got := strings.TrimPrefix(loc, b.base)
	if i := strings.IndexByte(got, '?'); i >= 0 {
		got = got[:i]
	}
	if got != want {
		b.t.Fatalf("at %s, want %s", loc, want)
	}
}

// step saves a screenshot of the whole page, numbered in order.
func (b *ui) step(name string) {
	b.t.Helper()
	b.n++
	if os.Getenv("TRACE_STEPS") != "" {
		b.t.Logf("%s step %s", time.Now().Format("15:04:05.000"), name)
	}
	img, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	ext := ".png"
	if !bytes.HasPrefix(img, []byte("\x89PNG")) {
		ext = ".jpg"
	}
	if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s%s", b.n, name, ext)), img, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// phone switches the viewport to a phone's and back.
func (b *ui) phone(on bool) {
	b.t.Helper()
	if on {
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	} else {
		b.do("laptop viewport", chromedp.EmulateViewport(1280, 900))
	}
}

// a11y checks the page: html has a lang, there is exactly one h1, every
// form control has a label with text (or an ARIA name), ids are unique.
func (b *ui) a11y() {
	b.t.Helper()
	var res struct {
		Path     string   `json:"path"`
		Problems []string `json:"problems"`
	}
	b.eval(`(() => {
		const p = [];
		if (!document.documentElement.lang) p.push("<html> has no lang");
		const h1 = document.querySelectorAll("h1").length;
		if (h1 !== 1) p.push(h1 + " h1 elements");
		for (const el of document.querySelectorAll("input, select, textarea")) {
			if (["hidden", "submit", "button", "reset"].includes(el.type)) continue;
			const named = [...(el.labels || [])].some(l => l.textContent.trim() !== "") ||
				el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
			if (!named) p.push("no label: " + el.outerHTML.slice(0, 120));
		}
		for (const el of document.querySelectorAll("button, a[href]")) {
			if (!el.textContent.trim() && !el.getAttribute("aria-label") && !el.querySelector("img[alt]:not([alt=''])"))
				p.push("no accessible name: " + el.outerHTML.slice(0, 120));
		}
		const seen = new Set();
		for (const el of document.querySelectorAll("[id]")) {
			if (seen.has(el.id)) p.push("duplicate id " + el.id);
			seen.add(el.id);
		}
		return {path: location.pathname, problems: p};
	})()`, &res)
	if b.visited == nil {
		b.visited = map[string]bool{}
	}
	b.visited[res.Path] = true
	for _, p := range res.Problems {
		b.t.Errorf("accessibility of %s: %s", res.Path, p)
	}
}

// download clicks a download link and returns the file's bytes.
func (b *ui) download(sel string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	b.click(sel)
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download from %s: %v", sel, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(b.downloads, ev.GUID))
			if err != nil {
				b.t.Fatalf("download from %s: %v", sel, err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			b.t.Fatalf("download from %s was cancelled", sel)
		}
	}
	b.t.Fatalf("download from %s did not finish", sel)
	return nil
}
