package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/consent"
	"github.com/discreet-dev/discreet/internal/endpoint"
)

// ErrDeletionNotConfigured is returned by [Client.DeleteUser] when
// Options.PersonalAPIKey or Options.ProjectID is missing: PostHog's only
// deletion API needs both, so the person must then be deleted by hand.
var ErrDeletionNotConfigured = errors.New("analytics: PostHog person deletion is not configured (set Options.PersonalAPIKey and Options.ProjectID)")

// deleteTimeout bounds one deletion request when ctx has no earlier deadline.
const deleteTimeout = 10 * time.Second

type deleter struct {
	url    string // .../api/projects/{id}/persons/bulk_delete/
	key    string
	client *http.Client
}

// newDeleter returns nil (deletion not configured) unless both the key and
// the project ID are set.
func newDeleter(s consent.Settings, ingest string, opts Options, transport http.RoundTripper) (*deleter, error) {
	key := strings.TrimSpace(opts.PersonalAPIKey)
	project := strings.TrimSpace(opts.ProjectID)
	if key == "" && project == "" {
		return nil, nil
	}
	if key == "" || project == "" {
		return nil, errors.New("analytics: PersonalAPIKey and ProjectID go together; set both or neither")
	}
	if _, err := strconv.ParseUint(project, 10, 64); err != nil {
		return nil, fmt.Errorf("analytics: ProjectID %q is not a number; use the numeric ID shown in PostHog's project settings", project)
	}
	host := strings.TrimRight(strings.TrimSpace(opts.APIHost), "/")
	if host == "" {
		host = apiHostFor(ingest)
	}
	if err := endpoint.Check(host, s.PrivateHTTPHosts); err != nil {
		return nil, fmt.Errorf("analytics: APIHost: %w", err)
	}
	return &deleter{
		url:    host + "/api/projects/" + project + "/persons/bulk_delete/",
		key:    key,
		client: &http.Client{Transport: transport, Timeout: deleteTimeout},
	}, nil
}

// apiHostFor maps PostHog Cloud's ingestion hosts to their private API
// hosts; a self-hosted instance serves both on one host.
func apiHostFor(ingest string) string {
	u, err := url.Parse(ingest)
	if err != nil {
		return ingest
	}
	switch strings.ToLower(u.Hostname()) {
	case "us.i.posthog.com", "app.posthog.com":
		return "https://us.posthog.com"
	case "eu.i.posthog.com":
		return "https://eu.posthog.com"
	}
	return ingest
}

// DeleteUser asks PostHog to delete the person whose distinct ID is userID,
// with their events and recordings (claim A4). It waits for PostHog's
// answer, bounded by ctx and a 10 s timeout, and returns an error unless
// PostHog accepted the request; PostHog then deletes the person at once and
// the events asynchronously.
//
// The request is POST {APIHost}/api/projects/{ProjectID}/persons/bulk_delete/
// with the body {"distinct_ids":["<userID>"],"delete_events":true,
// "delete_recordings":true}, authorised by the personal API key. Without
// that key and the project ID it logs a warning and returns
// [ErrDeletionNotConfigured]. On a disabled client it does nothing and
// returns nil: nothing was ever sent.
func (c *Client) DeleteUser(ctx context.Context, userID int64) error {
	if c.ph == nil {
		return nil
	}
	if userID <= 0 {
		return fmt.Errorf("analytics: DeleteUser: user ID %d is not a user", userID)
	}
	if c.del == nil {
		c.log.LogAttrs(ctx, slog.LevelWarn,
			"analytics: cannot ask PostHog to delete a user: set a personal API key and project ID; delete this distinct ID by hand in PostHog",
			slog.Int64("user_id", userID))
		return fmt.Errorf("%w; delete distinct ID %d by hand in PostHog", ErrDeletionNotConfigured, userID)
	}
	return c.del.delete(ctx, userID)
}

func (d *deleter) delete(ctx context.Context, userID int64) error {
	body, err := json.Marshal(struct {
		DistinctIDs      []string `json:"distinct_ids"`
		DeleteEvents     bool     `json:"delete_events"`
		DeleteRecordings bool     `json:"delete_recordings"`
	}{[]string{strconv.FormatInt(userID, 10)}, true, true})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("analytics: DeleteUser: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+d.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("analytics: DeleteUser %d: %w", userID, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // let the connection be reused
	if res.StatusCode/100 != 2 {
		// The body is not repeated: it is PostHog's, and may echo the request.
		return fmt.Errorf("analytics: DeleteUser %d: PostHog answered %s", userID, res.Status)
	}
	return nil
}
