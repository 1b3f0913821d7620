package domain

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// localZoneName finds the IANA name of the process's zone: TZ first (as
// the time package reads it), then the target of /etc/localtime.
func localZoneName() string {
	if tz, ok := os.LookupEnv("TZ"); ok {
		tz = strings.TrimPrefix(tz, ":")
		if tz == "" {
			return "UTC"
		}
		if !strings.HasPrefix(tz, "/") {
			return tz
		}
		if n := zoneFromPath(tz); n != "" {
			return n
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if n := zoneFromPath(target); n != "" {
			return n
		}
	}
	name, _ := time.Now().In(time.Local).Zone()
	return name
}

func zoneFromPath(p string) string {
	const marker = "zoneinfo/"
	if i := strings.LastIndex(p, marker); i >= 0 {
		n := p[i+len(marker):]
		if _, err := time.LoadLocation(n); err == nil {
			return n
		}
	}
	return ""
}
