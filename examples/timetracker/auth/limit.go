package auth

import (
	"crypto/sha256"
	"strings"
	"sync"
	"time"
)

// LimitOptions configure a Limiter. Zero fields take the defaults shown.
type LimitOptions struct {
	PerAccount int              // failed sign-ins per account and window; default 10
	PerClient  int              // failed sign-ins per client address and window; default 50
	Window     time.Duration    // default 15 minutes
	MaxKeys    int              // accounts plus clients tracked at once; default 100,000
	Now        func() time.Time // the clock; default time.Now
}

// Limiter counts failed sign-ins per account and per client in fixed
// windows. Only failures count, so people who type their password right are
// never slowed down, while guessing from one address, or at one account
// from many addresses, stops at the limit. Its memory is bounded by
// MaxKeys. It is safe for concurrent use.
type Limiter struct {
	opts LimitOptions

	mu       sync.Mutex
	accounts map[[32]byte]*window
	clients  map[string]*window
}

type window struct {
	failures int
	reset    time.Time
}

// NewLimiter returns a Limiter; nil opts means defaults.
func NewLimiter(opts *LimitOptions) *Limiter {
	var o LimitOptions
	if opts != nil {
		o = *opts
	}
	if o.PerAccount <= 0 {
		o.PerAccount = 10
	}
	if o.PerClient <= 0 {
		o.PerClient = 50
	}
	if o.Window <= 0 {
		o.Window = 15 * time.Minute
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Limiter{opts: o, accounts: map[[32]byte]*window{}, clients: map[string]*window{}}
}

// accountKey hashes the normalised email so the limiter never holds
// addresses in memory.
func accountKey(email string) [32]byte {
	return sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
}

// Allow reports whether a sign-in for the account (an email) from client
// (an address) may be tried now and, when not, how long until it may.
func (l *Limiter) Allow(email, client string) (bool, time.Duration) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	if w := l.accounts[accountKey(email)]; w != nil && now.Before(w.reset) && w.failures >= l.opts.PerAccount {
		wait = w.reset.Sub(now)
	}
	if w := l.clients[client]; w != nil && now.Before(w.reset) && w.failures >= l.opts.PerClient {
		wait = max(wait, w.reset.Sub(now))
	}
	return wait == 0, wait
}

// Failure records a failed sign-in.
func (l *Limiter) Failure(email, client string) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.accounts)+len(l.clients) >= l.opts.MaxKeys {
		l.sweep(now)
	}
	bump(l.accounts, accountKey(email), now, l.opts.Window)
	bump(l.clients, client, now, l.opts.Window)
}

// Success forgets the account's failures, so its owner is not held back
// by someone else's guesses once they have signed in. The client's count
// stays: one right password must not reset a guessing run over many
// accounts.
func (l *Limiter) Success(email string) {
	l.mu.Lock()
	delete(l.accounts, accountKey(email))
	l.mu.Unlock()
}

func bump[K comparable](m map[K]*window, k K, now time.Time, d time.Duration) {
	w := m[k]
	if w == nil || !now.Before(w.reset) {
		w = &window{reset: now.Add(d)}
		m[k] = w
	}
	w.failures++
}

// sweep drops expired windows and, if the maps are still full, arbitrary
// ones until there is room: under a flood from many addresses forgetting
// some counts is better than growing without bound.
func (l *Limiter) sweep(now time.Time) {
	for k, w := range l.accounts {
		if !now.Before(w.reset) {
			delete(l.accounts, k)
		}
	}
	for k, w := range l.clients {
		if !now.Before(w.reset) {
			delete(l.clients, k)
		}
	}
	target := l.opts.MaxKeys * 3 / 4
	for k := range l.clients {
		if len(l.accounts)+len(l.clients) <= target {
			return
		}
		delete(l.clients, k)
	}
	for k := range l.accounts {
		if len(l.accounts)+len(l.clients) <= target {
			return
		}
		delete(l.accounts, k)
	}
}
