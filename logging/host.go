package logging

import (
	"log/slog"

	"github.com/discreet-dev/discreet/redact"
)

// Host marks a value as a host or host:port that the operator configured,
// such as the endpoint of an optional service in the start-up record
// (claim C4). It is configuration, not personal data, so the handlers
// write it as it was given, IP addresses included:
//
//	logger.Info("optional services", slog.Any("host", logging.Host("10.0.0.7:8090")))
//	// {"msg":"optional services","host":"10.0.0.7:8090"}
//
// Nothing else is let through: the value is still scrubbed of everything
// but IP addresses (an email, a token), a value that is not a bare host
// (one with '@', '/', a blank, a query) is scrubbed like any other string,
// and under a sensitive key it is "[redacted]" as always. Give it only
// values taken from configuration, never from a request.
type Host string

// maxHostLen is the longest DNS name with a port and brackets.
const maxHostLen = 255 + len("[]:65535")

// plainHost reports whether s looks like host, host:port or [v6]:port and
// nothing more.
func plainHost(s string) bool {
	if s == "" || len(s) > maxHostLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '-', c == ':', c == '[', c == ']', c == '_', c == '%':
		default:
			return false
		}
	}
	return true
}

// hostString returns the text a Host value is written as: scrubbed by the
// engine that keeps IP addresses when it is a plain host, by eng otherwise.
func (s *scrubber) hostString(eng *redact.Engine, h Host) string {
	if plainHost(string(h)) {
		return s.hostEng.String(string(h))
	}
	return eng.String(string(h))
}

// hostOf reports whether v holds a Host.
func hostOf(v slog.Value) (Host, bool) {
	if v.Kind() != slog.KindAny {
		return "", false
	}
	h, ok := v.Any().(Host)
	return h, ok
}
