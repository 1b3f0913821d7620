package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// LimitOptions are the sign-in and sign-up limits. Zero fields take the
// defaults shown. The policy, which the README states for operators:
//
//   - An account may be tried PerAccountAddress times per Window from one
//     address: guessing from one address stops there, and only for that
//     address, so an attacker elsewhere cannot lock the owner out.
//   - One address may try PerAddress times per Window across all accounts,
//     which stops one address spraying passwords over many accounts.
//   - An account has a slower budget of PerAccount tries per AccountWindow
//     from addresses that have never signed in to it, which stops guessing
//     spread over many addresses. When it is spent, addresses that signed
//     in to the account successfully in the last KnownFor are still let
//     through (each under its own PerAccountAddress limit), so the owner
//     keeps signing in from home or the office; a new address waits until
//     the budget's window ends.
//   - One address may attempt SignUpsPerAddress sign-ups per SignUpWindow.
//
// Every attempt is counted before its password is checked, and given back
// when it succeeds, so however many requests arrive at once at most the
// limit is ever checked. The counters live in the database, so every
// process sharing it counts together.
type LimitOptions struct {
	PerAccountAddress int           // default 10
	PerAddress        int           // default 50
	Window            time.Duration // default 15 minutes
	PerAccount        int           // default 100
	AccountWindow     time.Duration // default 24 hours
	KnownFor          time.Duration // default 90 days
	SignUpsPerAddress int           // default 10
	SignUpWindow      time.Duration // default 1 hour
}

func (o LimitOptions) withDefaults() LimitOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.PerAccountAddress, 10)
	def(&o.PerAddress, 50)
	defD(&o.Window, 15*time.Minute)
	def(&o.PerAccount, 100)
	defD(&o.AccountWindow, 24*time.Hour)
	defD(&o.KnownFor, 90*24*time.Hour)
	def(&o.SignUpsPerAddress, 10)
	defD(&o.SignUpWindow, time.Hour)
	return o
}

// LimitedError is returned when a limit refuses an attempt; its code is
// domain.ETOOMANY and RetryAfter says when to try again.
type LimitedError struct {
	RetryAfter time.Duration
	// Message is what the user is told.
	Message string
}

// Error implements error.
func (e *LimitedError) Error() string {
	return domain.ETOOMANY + ": " + e.Message
}

// Unwrap gives the domain error, so domain.ErrorCode finds ETOOMANY.
func (e *LimitedError) Unwrap() error {
	return domain.Errorf(domain.ETOOMANY, "%s", e.Message)
}

// Messages of the limits.
const (
	msgSignInLimited = "Too many failed sign-ins. Try again later."
	msgSignUpLimited = "Too many sign-ups from this address. Try again later."
)

// key makes a counter key: a prefix and the SHA-256 of the parts, so the
// database never holds an email or an address as such.
func key(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil))
}

func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Counter keys. Each prefix is one kind of counter.
func accountAddressKey(email, addr string) string { return key("sa:", normEmail(email), addr) }
func addressKey(addr string) string               { return key("sd:", addr) }
func accountKey(email string) string              { return key("sb:", normEmail(email)) }
func knownKey(email, addr string) string          { return key("known:", normEmail(email), addr) }
func signUpKey(addr string) string                { return key("su:", addr) }

// reservation is the hits an attempt holds until it is judged.
type reservation []domain.CounterState

// reserve counts one attempt on every counter and refuses it when any is
// over its limit, giving the hits back so a refusal costs nothing.
func (a *Auth) reserve(ctx context.Context, cs []domain.Counter, limits []int, msg string) (reservation, error) {
	got, err := a.store.ReserveAttempts(ctx, cs)
	if err != nil {
		return nil, err
	}
	now := a.opts.Now()
	var wait time.Duration
	for i, s := range got {
		if s.Hits > limits[i] {
			wait = max(wait, s.ResetAt.Sub(now), time.Second)
		}
	}
	if wait > 0 {
		_ = a.store.ReleaseAttempts(context.WithoutCancel(ctx), got)
		return nil, &LimitedError{RetryAfter: wait, Message: msg}
	}
	return got, nil
}

// release gives an attempt's hits back: it succeeded, or it could not be
// judged.
func (a *Auth) release(ctx context.Context, r reservation) {
	_ = a.store.ReleaseAttempts(context.WithoutCancel(ctx), r)
}

// reserveSignIn counts a sign-in attempt for email from addr. The
// account's own budget applies only to addresses it has not signed in
// from.
func (a *Auth) reserveSignIn(ctx context.Context, email, addr string) (reservation, error) {
	l := a.limits
	cs := []domain.Counter{
		{Key: accountAddressKey(email, addr), Window: l.Window},
		{Key: addressKey(addr), Window: l.Window},
	}
	limits := []int{l.PerAccountAddress, l.PerAddress}
	known, err := a.store.CountAttempts(ctx, knownKey(email, addr))
	if err != nil {
		return nil, err
	}
	if known == 0 {
		cs = append(cs, domain.Counter{Key: accountKey(email), Window: l.AccountWindow})
		limits = append(limits, l.PerAccount)
	}
	return a.reserve(ctx, cs, limits, msgSignInLimited)
}

// signedIn gives back a successful attempt's hits, clears the address's
// failures on the account and remembers the address as known.
func (a *Auth) signedIn(ctx context.Context, r reservation, email, addr string) {
	ctx = context.WithoutCancel(ctx)
	a.release(ctx, r)
	_ = a.store.ClearAttempts(ctx, accountAddressKey(email, addr))
	_ = a.store.SetAttempts(ctx, knownKey(email, addr), 1, a.opts.Now().Add(a.limits.KnownFor))
}

// reserveReauth counts a check of a signed-in user's current password,
// as before deleting the account: a stolen token must not become a way to
// guess the password. It shares the account-and-address and address
// counters with sign-in.
func (a *Auth) reserveReauth(ctx context.Context, email, addr string) (reservation, error) {
	l := a.limits
	return a.reserve(ctx, []domain.Counter{
		{Key: accountAddressKey(email, addr), Window: l.Window},
		{Key: addressKey(addr), Window: l.Window},
	}, []int{l.PerAccountAddress, l.PerAddress}, msgSignInLimited)
}

// reserveSignUp counts a sign-up attempt from addr. Sign-ups that create
// an account count too, and so do those refused because the email is
// taken: that answer is what an enumeration would collect.
func (a *Auth) reserveSignUp(ctx context.Context, addr string) (reservation, error) {
	l := a.limits
	return a.reserve(ctx, []domain.Counter{{Key: signUpKey(addr), Window: l.SignUpWindow}}, []int{l.SignUpsPerAddress}, msgSignUpLimited)
}
