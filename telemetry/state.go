package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// state is what a Reporter remembers between runs, in its state file. It
// stays on the host; only the facts copied into a Ping ever leave it.
type state struct {
	// InstalledAt is when this installation first ran with telemetry on.
	InstalledAt time.Time `json:"installed_at"`
	// Version is the application version last seen, and UpdatedAt when it
	// last changed (InstalledAt until the first upgrade).
	Version   string    `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	// FirstPingSent and FirstPingAt record the one install ping (T3).
	FirstPingSent bool      `json:"first_ping_sent"`
	FirstPingAt   time.Time `json:"first_ping_at,omitzero"`
	// LastCheckAt is when the last ping was answered, so that restarts
	// neither skip update checks nor repeat them.
	LastCheckAt time.Time `json:"last_check_at,omitzero"`
	// Salt is the generated salt, set only when TELE_SALT is too short
	// (T2): 32 random bytes in hex, used as a string like TELE_SALT.
	Salt string `json:"salt,omitempty"`
}

// errNoState means the state file does not exist yet: a new installation.
var errNoState = errors.New("no telemetry state yet")

// loadState reads the state file. It returns errNoState when there is none
// and another error when the file cannot be read or makes no sense; the
// caller then starts afresh.
func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoState
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	if st.InstalledAt.IsZero() || st.UpdatedAt.IsZero() || st.Version == "" {
		return nil, fmt.Errorf("%s lacks installed_at, updated_at or version", path)
	}
	if st.Salt != "" && len(st.Salt) < MinSaltLen {
		return nil, fmt.Errorf("%s holds a salt that is too short", path)
	}
	return &st, nil
}

// createState writes st to path only if path does not exist yet, and
// returns an error wrapping fs.ErrExist if it does: two processes that
// start an installation at once (a preview and a first run) agree on one.
func createState(path string, st *state) error {
	tmp, err := writeTemp(path, st)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	syncDirOf(path)
	return nil
}

// saveState writes st atomically: to a temporary file in the same
// directory, synced, then renamed over path, so a crash leaves either the
// old state or the new one and never half of either. The file is private
// (0600) because the salt in it is what keeps the fingerprint from being
// guessed.
func saveState(path string, st *state) error {
	tmp, err := writeTemp(path, st)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDirOf(path)
	return nil
}

// writeTemp writes st to a new private temporary file beside path, synced,
// and returns its name.
func writeTemp(path string, st *state) (name string, err error) {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return "", err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDirOf syncs the directory of path so that a rename or link itself
// survives a power cut; not every platform allows it, and the state is
// already consistent.
func syncDirOf(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
}

// newSalt returns 32 random bytes in hex.
func newSalt() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails since Go 1.24; it crashes the process instead
	return hex.EncodeToString(b)
}
