package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow the OWASP recommendation for argon2id (19 MiB, two
// passes, one thread): strong enough for passwords, cheap enough that a
// small server can sign people in without stalling.
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password length limits. The upper bound keeps a megabyte-long "password"
// from becoming a way to burn CPU.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// ErrMismatch is returned by CheckPassword when the password is wrong.
var ErrMismatch = errors.New("auth: password does not match")

// hashSlots bounds how many hashes run at once; each holds Params.Memory.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// HashPassword returns the encoded argon2id hash of password with a fresh
// random salt, using p (the zero Params means DefaultParams).
func HashPassword(password string, p Params) (string, error) {
	if p == (Params{}) {
		p = DefaultParams
	}
	if p.Time == 0 || p.Memory == 0 || p.Threads == 0 || p.SaltLen < 8 || p.KeyLen < 16 {
		return "", fmt.Errorf("auth: unusable argon2id parameters %+v", p)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := derive(password, salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash: nil when
// it does, ErrMismatch when it does not, another error when the hash cannot
// be read. The comparison takes constant time.
func CheckPassword(encoded, password string) error {
	h, err := parseHash(encoded)
	if err != nil {
		return err
	}
	key := derive(password, h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// p, so a caller can store a fresh hash after a successful sign-in.
func NeedsRehash(encoded string, p Params) bool {
	if p == (Params{}) {
		p = DefaultParams
	}
	h, err := parseHash(encoded)
	if err != nil {
		return true
	}
	return h.time != p.Time || h.memory != p.Memory || h.threads != p.Threads || uint32(len(h.key)) != p.KeyLen
}

func derive(password string, salt []byte, t, m uint32, threads uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, t, m, threads, keyLen)
}

type parsedHash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

// Hard limits on what a stored hash may ask for, so a corrupted or
// planted row cannot make a sign-in allocate gigabytes.
const (
	maxMemory = 1 << 20 // KiB: 1 GiB
	maxTime   = 64
)

func parseHash(encoded string) (parsedHash, error) {
	var h parsedHash
	bad := errors.New("auth: not an argon2id hash")
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, bad
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return h, bad
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return h, bad
	}
	if h.memory == 0 || h.memory > maxMemory || h.time == 0 || h.time > maxTime || h.threads == 0 {
		return h, bad
	}
	var err error
	b64 := base64.RawStdEncoding
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, bad
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 128 {
		return h, bad
	}
	return h, nil
}
