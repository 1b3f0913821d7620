package telemetry

import (
	"regexp"
	"testing"
)

// claim: T2
func TestFingerprintVectors(t *testing.T) {
	// Each want was computed outside Go, in a shell, with
	//	printf '%s' "$hostname$salt" | sha256sum
	// for example printf '%s' "web-010123456789abcdef" | sha256sum.
	tests := []struct {
		name, hostname, salt, want string
	}{
		{"host and salt", "web-01", "0123456789abcdef", "d4825d67bce91822faad6798341b364dadaefa503a448abac265cdb76473107e"},
		{"last salt byte changed", "web-01", "0123456789abcdeg", "6752f887255f7cbff568f80af2fbf91c1fe9c919ac690c2bd0102c9d7aa229ff"},
		{"long salt with punctuation", "db.example.internal", "s3cr3t-salt-of-32-characters!!", "c67e2a990620993bea6abd3fc8c6b3ed9895ab525f4b525a129d24105b929f49"},
		{"no salt", "web-01", "", "0b9d9f06cc8cf44765a12c0aa01a6e2217130979f4dfeda24e22b0af7e8d237e"},
		{"nothing at all", "", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		// Plain concatenation, no separator: the split point does not matter.
		{"split elsewhere", "web-0", "10123456789abcdef", "d4825d67bce91822faad6798341b364dadaefa503a448abac265cdb76473107e"},
	}
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fingerprint(tt.hostname, tt.salt)
			if got != tt.want {
				t.Errorf("Fingerprint(%q, %q) = %s, want %s", tt.hostname, tt.salt, got, tt.want)
			}
			if !hex64.MatchString(got) {
				t.Errorf("Fingerprint = %q, want 64 lowercase hex characters", got)
			}
			if !validFingerprint(got) {
				t.Errorf("validFingerprint(%q) = false", got)
			}
		})
	}
}

// claim: T2
func TestFingerprintSaltChangesIt(t *testing.T) {
	a := Fingerprint("web-01", "0123456789abcdef")
	if b := Fingerprint("web-01", "0123456789abcdef"); a != b {
		t.Errorf("same input gave %s and %s", a, b)
	}
	if b := Fingerprint("web-01", "fedcba9876543210"); a == b {
		t.Errorf("a different salt gave the same fingerprint %s", a)
	}
	if b := Fingerprint("web-02", "0123456789abcdef"); a == b {
		t.Errorf("a different host gave the same fingerprint %s", a)
	}
}

func TestValidFingerprint(t *testing.T) {
	good := Fingerprint("h", "s")
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"a real one", good, true},
		{"upper case", "D4825D67BCE91822FAAD6798341B364DADAEFA503A448ABAC265CDB76473107E", false},
		{"63 characters", good[:63], false},
		{"65 characters", good + "0", false},
		{"not hex", "g" + good[1:], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validFingerprint(tt.in); got != tt.want {
				t.Errorf("validFingerprint(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
