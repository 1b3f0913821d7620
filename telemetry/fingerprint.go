package telemetry

import (
	"crypto/sha256"
	"encoding/hex"
)

// MinSaltLen is the shortest TELE_SALT that is used as given. A hostname is
// easy to guess, so a fingerprint over a hostname and a short salt could be
// reversed by trying hostnames; below this length the [Reporter] generates
// a random salt once and keeps it in its state file (claim T2).
const MinSaltLen = 16

// Fingerprint returns the installation fingerprint: the lowercase hex
// SHA-256 of the bytes of hostname immediately followed by the bytes of
// salt, with no separator (claim T2). It is deliberately that simple so
// anyone can recompute it, for example with
//
//	printf '%s' "$HOSTNAME$TELE_SALT" | sha256sum
func Fingerprint(hostname, salt string) string {
	h := sha256.New()
	h.Write([]byte(hostname))
	h.Write([]byte(salt))
	return hex.EncodeToString(h.Sum(nil))
}

// validFingerprint reports whether s looks like a [Fingerprint]: exactly 64
// lowercase hex characters.
func validFingerprint(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
