// Package receiver is the receiving side of discreet's install telemetry:
// the http.Handler of a telemetry server, which checks every ping against
// the schema of [telemetry.Ping] (exact keys, the fingerprint's shape, a
// version without personal data, plausible timestamps) and hands good ones
// to a [Store]. It never reads the sender's address (claim T6).
//
// examples/telemetry-server is a complete server around it, with a Store on
// database/sql for SQLite and PostgreSQL.
package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/discreet-dev/discreet/telemetry"
)

// MaxPingBytes is the largest request body a receiver accepts. A real ping
// is under 300 bytes.
const MaxPingBytes = 4 << 10

// pingFields are the JSON keys of a Ping, the only ones a receiver accepts.
var pingFields = map[string]bool{
	"schema": true, "kind": true, "fingerprint": true,
	"version": true, "installed_at": true, "updated_at": true,
}

// Store keeps what a receiver accepts: anything that keeps only the ping's
// facts (examples/telemetry-server has one on database/sql for SQLite and
// PostgreSQL).
type Store interface {
	// Save records p, received at the given time, under its fingerprint:
	// a new installation is inserted, a known one updated.
	Save(ctx context.Context, p telemetry.Ping, received time.Time) error
}

// Options configure [New]. The zero value is usable.
type Options struct {
	// Latest is the newest released version, sent back in every reply so
	// that installations can tell their operators about it.
	Latest string
	// Now is the receiver's clock; default time.Now.
	Now func() time.Time
	// Logger receives store failures; default slog.Default(). Nothing
	// about the sender is ever logged.
	Logger *slog.Logger
}

// Handler is the http.Handler that accepts pings; [New] builds it.
type Handler struct {
	store Store
	opts  Options
	log   *slog.Logger
	reply []byte
}

// New returns the handler that accepts pings (claim T6). It takes
// POST only (405 with an Allow header otherwise), reads at most
// [MaxPingBytes], and answers 400 with a one-line JSON error for a body that
// is too large or not one JSON object, an unknown field, a wrong schema or
// kind, a fingerprint that is not 64 lowercase hex characters, a version
// that is empty, longer than [telemetry.MaxVersionLen] characters or carrying an
// email address or a token, or a timestamp more than a day in the future.
// A good ping is saved and answered with {"latest":"..."}.
//
// The handler never looks at the connection's remote address or at any
// header that may carry a client address (X-Forwarded-For, Forwarded,
// X-Real-IP): the sender's IP is not read, so it cannot be stored or logged.
func New(store Store, opts Options) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	rc := &Handler{store: store, opts: opts, log: opts.Logger}
	if rc.log == nil {
		rc.log = slog.Default()
	}
	rc.reply, _ = json.Marshal(telemetry.Reply{Latest: opts.Latest})
	return rc
}

// ServeHTTP answers one ping.
func (rc *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed; send pings with POST")
		return
	}
	p, err := rc.decode(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	now := rc.opts.Now()
	if err := p.Validate(now); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := rc.store.Save(r.Context(), p, now); err != nil {
		// The error says which fingerprint failed at most; the sender's
		// address is never known here.
		rc.log.LogAttrs(r.Context(), slog.LevelError, "telemetry receiver: could not save a ping",
			slog.String("error", err.Error()))
		writeError(w, http.StatusInternalServerError, "the ping could not be stored; try again later")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(rc.reply)
}

// decode reads one JSON object whose keys are all Ping fields, matched
// exactly (encoding/json alone would also take "Fingerprint" or
// "FINGERPRINT").
func (rc *Handler) decode(w http.ResponseWriter, r *http.Request) (telemetry.Ping, error) {
	var p telemetry.Ping
	if r.ContentLength > MaxPingBytes {
		return p, fmt.Errorf("body is larger than %d bytes", MaxPingBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPingBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return p, fmt.Errorf("body is larger than %d bytes", MaxPingBytes)
		}
		return p, errors.New("could not read the body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, errors.New("body is empty; expected a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := strictUnmarshal(body, &fields); err != nil || fields == nil {
		return p, errors.New("body is not a JSON object")
	}
	for k := range fields {
		if !pingFields[k] {
			return p, fmt.Errorf("unknown field %q", k)
		}
	}
	// Times are decoded apart so that a bad one is named in the reply.
	var wire struct {
		Schema      int    `json:"schema"`
		Kind        string `json:"kind"`
		Fingerprint string `json:"fingerprint"`
		Version     string `json:"version"`
		InstalledAt string `json:"installed_at"`
		UpdatedAt   string `json:"updated_at"`
	}
	if err := strictUnmarshal(body, &wire); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return p, fmt.Errorf("field %q has the wrong type", te.Field)
		}
		return p, fmt.Errorf("malformed ping: %v", err)
	}
	p = telemetry.Ping{Schema: wire.Schema, Kind: wire.Kind, Fingerprint: wire.Fingerprint, Version: wire.Version}
	for _, ts := range []struct {
		name string
		raw  string
		dst  *time.Time
	}{{"installed_at", wire.InstalledAt, &p.InstalledAt}, {"updated_at", wire.UpdatedAt, &p.UpdatedAt}} {
		if ts.raw == "" {
			continue // Validate reports it as missing
		}
		t, err := time.Parse(time.RFC3339, ts.raw)
		if err != nil {
			return p, fmt.Errorf("%s is not an RFC 3339 time such as 2026-01-02T03:04:05Z", ts.name)
		}
		*ts.dst = t
	}
	return p, nil
}

// strictUnmarshal decodes exactly one JSON value from b into v and refuses
// anything after it.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
