package domain

import (
	"strings"
	"sync"
	"time"
)

// MaxZoneName bounds a time zone name; the longest IANA names are about
// 30 bytes.
const MaxZoneName = 64

// CheckZone validates a user's time zone setting: empty (the server's
// zone) or an IANA name that time.LoadLocation knows, such as
// "Europe/Berlin". "Local" is refused because it would name whatever zone
// the server happens to run in under a name that looks chosen; leaving the
// field empty says that. It returns the cleaned name (trimmed).
func CheckZone(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	if len(name) > MaxZoneName || CheckText(field, name) != nil || strings.EqualFold(name, "Local") {
		return "", FieldError(field, "must be an IANA name such as Europe/Berlin (leave it empty for the server's zone)")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "", FieldError(field, "%q is not a known time zone; use an IANA name such as Europe/Berlin or America/New_York", name)
	}
	return name, nil
}

// Zones loads time zones by name once each: time.LoadLocation reads the
// zone database every time it is called. The zero value is ready to use
// and safe for concurrent use.
type Zones struct {
	m sync.Map // name -> *time.Location
}

// Of returns the location of u's time zone, or fallback when u is nil,
// has none, or names one that no longer loads (a zone database without
// it).
func (z *Zones) Of(u *User, fallback *time.Location) *time.Location {
	if fallback == nil {
		fallback = time.Local
	}
	if u == nil || u.TimeZone == "" {
		return fallback
	}
	if l, ok := z.m.Load(u.TimeZone); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return fallback
	}
	z.m.Store(u.TimeZone, l)
	return l
}

// ZoneName names loc for people: its IANA name, and for time.Local the
// server's zone as the TZ variable or /etc/localtime gives it (else the
// zone's abbreviation now, such as UTC).
func ZoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	if loc != time.Local {
		return loc.String()
	}
	return localZoneName()
}
