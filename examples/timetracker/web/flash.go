package web

import (
	"net/http"

	"github.com/discreet-dev/discreet/examples/timetracker/app"
)

// flashCookie carries the code of a one-time success message across the
// redirect after a POST. It holds a code from flashes, never text the
// user typed, so no personal data is ever in it.
const flashCookie = "tt_flash"

type flashMessage struct {
	Kind string // success, warning or error
	Text string
}

// logCopyNotice is what the deletion pages say when the operator copies
// the logs to standard error (LOG_STDERR=true, claim L8).
const logCopyNotice = "This server also copies its log lines to its standard error for the operator's log collector; that copy is outside this application's reach and is not erased. Ask the operator to remove it if you need that."

// flashes are every message a redirect can carry, by code.
var flashes = map[string]flashMessage{
	"signed-up":                       {"success", "Welcome! Your account is ready. Create a project to start tracking time."},
	"signed-in":                       {"success", "You are signed in."},
	"signed-out":                      {"success", "You are signed out."},
	"timer-started":                   {"success", "Timer started."},
	"timer-stopped":                   {"success", "Timer stopped and saved as an entry."},
	"entry-created":                   {"success", "Entry added."},
	"entry-updated":                   {"success", "Entry saved."},
	"entry-created-overlap":           {"warning", "Entry added, but it overlaps another of your entries: check that day's times."},
	"entry-updated-overlap":           {"warning", "Entry saved, but it overlaps another of your entries: check that day's times."},
	"entry-deleted":                   {"success", "Entry deleted."},
	"timesheet-saved":                 {"success", "Timesheet saved."},
	"timesheet-unchanged":             {"success", "Nothing changed on the timesheet."},
	"timesheet-saved-overlap":         {"warning", "Timesheet saved, but an entry overlaps another of your entries: check that day's times."},
	"client-created":                  {"success", "Client added."},
	"client-updated":                  {"success", "Client renamed."},
	"tag-updated":                     {"success", "Tag renamed on every entry that carries it."},
	"tag-deleted":                     {"success", "Tag deleted. Its entries are kept, without it."},
	"client-deleted":                  {"success", "Client deleted. Its projects are kept, without a client."},
	"project-created":                 {"success", "Project created."},
	"project-updated":                 {"success", "Project saved."},
	"project-archived":                {"success", "Project archived. Its entries stay in your reports."},
	"project-restored":                {"success", "Project restored."},
	"project-deleted":                 {"success", "Project deleted with its tasks and entries."},
	"task-created":                    {"success", "Task added."},
	"task-updated":                    {"success", "Task saved."},
	"task-deleted":                    {"success", "Task deleted."},
	"profile-updated":                 {"success", "Profile saved."},
	"password-changed":                {"success", "Password changed. Your other browsers are signed out."},
	"password-changed-tokens-revoked": {"success", "Password changed. Your other browsers are signed out and your API tokens are revoked."},
	"token-revoked":                   {"success", "Token revoked. Programs using it can no longer sign in."},
	"privacy-updated":                 {"success", "Privacy choice saved."},
	"account-deleted":                 {"success", "Your account and all its data have been deleted."},
	// LOG_STDERR=true (claim L8)
	"account-deleted-log-copy": {"success", "Your account and all its data have been deleted, and your lines were removed from the server's log files. " + logCopyNotice},
	"test-error-sent":          {"success", "A test error was sent to error tracking."},
	"test-error-off":           {"error", "The test error was logged, but not sent: error tracking is off (SENTRY_DSN is not set) or its queue is full."},
	"no-timer":                 {"error", "No timer is running."},
	"user-promoted":            {"success", "The user is now an administrator."},
	"user-demoted":             {"success", "The user is no longer an administrator."},
	"user-deactivated":         {"success", "The account is deactivated: it cannot sign in, and its sessions and tokens no longer work."},
	"user-reactivated":         {"success", "The account is active again."},
	"last-admin":               {"error", "This is the only administrator. Make another user an administrator first."},
	"not-yourself":             {"error", "You cannot deactivate your own account."},
	"timer-capped":             {"error", app.TimerCappedNotice},
	"entries-imported":         {"success", "Import done: the file's entries, and the clients, projects and tasks they needed, are saved."},
}

func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, code string) {
	if _, ok := flashes[code]; !ok {
		panic("web: unknown flash " + code)
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: code, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash returns the pending message, if any, and clears its cookie.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *flashMessage {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	if m, ok := flashes[c.Value]; ok {
		return &m
	}
	return nil
}

// secure is the app's one decision whether r came over HTTPS (see
// [auth.Auth.Secure]).
func (s *Server) secure(r *http.Request) bool { return s.cfg.Auth.Secure(r) }
