package telemetry

import (
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/redact"
)

// SchemaVersion is the version of the [Ping] format. A receiver refuses any
// other value, so a change to the payload must come with a new number.
const SchemaVersion = 1

// The kinds of [Ping].
const (
	// KindInstall is the first-run ping, sent once per installation.
	KindInstall = "install"
	// KindUpdateCheck is the periodic ping whose reply names the latest
	// release.
	KindUpdateCheck = "update_check"
)

// MaxVersionLen is the longest version string, in characters, that a
// [Reporter] sends and a receiver accepts.
const MaxVersionLen = 64

// Ping is the whole payload of one telemetry request (claim T1): the four
// facts about an installation, what kind of ping it is and the format's
// version. There is deliberately no room for anything else: no hostname, no
// user, no usage figure. Times are UTC with whole seconds.
type Ping struct {
	Schema      int       `json:"schema"`
	Kind        string    `json:"kind"`
	Fingerprint string    `json:"fingerprint"`
	Version     string    `json:"version"`
	InstalledAt time.Time `json:"installed_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Reply is what a receiver answers to a ping.
type Reply struct {
	// Latest is the newest released version the receiver knows of; empty
	// when it was not configured with one.
	Latest string `json:"latest"`
}

// Validate checks p as a receiver does: the schema and kind, a fingerprint
// of 64 lowercase hex characters, a version that is non-empty, at most
// [MaxVersionLen] characters and free of emails and tokens, and both
// timestamps. now is the receiver's clock: a timestamp more than a day ahead
// of it is refused, which leaves room for clocks that are somewhat off but
// not for made-up dates.
func (p *Ping) Validate(now time.Time) error {
	if p.Schema != SchemaVersion {
		return fmt.Errorf("schema must be %d, got %d", SchemaVersion, p.Schema)
	}
	if p.Kind != KindInstall && p.Kind != KindUpdateCheck {
		return fmt.Errorf("kind must be %q or %q", KindInstall, KindUpdateCheck)
	}
	if !validFingerprint(p.Fingerprint) {
		return errors.New("fingerprint must be 64 lowercase hex characters")
	}
	if err := checkVersion(p.Version); err != nil {
		return err
	}
	limit := now.Add(24 * time.Hour)
	for _, ts := range []struct {
		name string
		t    time.Time
	}{{"installed_at", p.InstalledAt}, {"updated_at", p.UpdatedAt}} {
		if ts.t.IsZero() {
			return fmt.Errorf("%s is required", ts.name)
		}
		if ts.t.After(limit) {
			return fmt.Errorf("%s is more than a day in the future", ts.name)
		}
	}
	return nil
}

// versionScrubber finds personal data in a version string. IP-shaped runs
// are left to it: four-part versions ("1.2.3.4") look exactly like IPv4.
var versionScrubber = redact.New(&redact.Options{KeepIPs: true})

// checkVersion accepts a non-empty, printable version of at most
// MaxVersionLen characters that carries nothing the redaction engine would
// remove: build scripts sometimes stamp a committer's email or a token into
// the version, and the ping must still hold nothing about anyone (claim
// T1), on the way out and in the receiver's table.
func checkVersion(v string) error {
	if v == "" {
		return errors.New("version is required")
	}
	if !utf8.ValidString(v) {
		return errors.New("version is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(v); n > MaxVersionLen {
		return fmt.Errorf("version is longer than %d characters", MaxVersionLen)
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return errors.New("version contains a control or non-printable character")
		}
	}
	if versionScrubber.String(v) != v {
		return errors.New("version looks like it carries an email address, a token or credentials")
	}
	return nil
}
