// Package endpoint checks the URLs that discreet's packages send data to
// (claim C5): https everywhere, plain http only to a loopback address or to
// a host the operator named as being on the same private network. consent
// applies it to the environment; analytics, telemetry and errortrack apply
// it again, for Settings built by hand.
package endpoint

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/discreet-dev/discreet/redact"
)

// PrivateHostsVar is the variable that names the private-network hosts
// that may be reached over plain http; errors point the operator to it.
const PrivateHostsVar = "PRIVATE_HTTP_HOSTS"

// Check accepts an absolute https URL, or plain http when the host is a
// loopback address or one of privateHosts. The error shows the value
// scrubbed, since a URL may carry credentials or a key.
func Check(raw string, privateHosts []string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		// The value is shown so the operator can spot the typo, but
		// scrubbed: a URL may carry credentials or a key in its query.
		return fmt.Errorf("%q is not an absolute URL such as https://host.example", redact.Default().String(raw))
	}
	return CheckScheme(u, privateHosts)
}

// CheckScheme is [Check] for a parsed absolute URL.
func CheckScheme(u *url.URL, privateHosts []string) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) || isPrivateHost(privateHosts, u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http to %s is refused; use https (http is allowed only on a loopback address or on a host named in %s)", u.Host, PrivateHostsVar)
	}
	return fmt.Errorf("scheme %q is not supported; use https", u.Scheme)
}

// isPrivateHost reports whether host is named, exactly and in any case, in
// hosts. There are no wildcards and no suffix matches: an attacker who can
// make a name resolve elsewhere gains nothing from a listed name's
// subdomains.
func isPrivateHost(hosts []string, host string) bool {
	host = strings.Trim(host, "[]")
	for _, h := range hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// IsLoopback reports whether host (a name or an address, without port) is
// localhost or a loopback address: 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
