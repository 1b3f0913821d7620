package auth_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-dev/discreet/examples/timetracker/auth"
	"github.com/discreet-dev/discreet/examples/timetracker/domain"
	"github.com/discreet-dev/discreet/examples/timetracker/store"
)

// backend is a database the limit tests run on; every handle opened on
// dsn sees the same data, as replicas on one PostgreSQL do.
type backend struct {
	name string
	dsn  string
}

func (b backend) open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), b.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// eachBackend runs fn on SQLite and, when TEST_POSTGRES_URL is set, on a
// schema of its own in that PostgreSQL database.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, backend{"sqlite", filepath.Join(t.TempDir(), "t.db")})
	})
	t.Run("postgres", func(t *testing.T) { fn(t, newPostgres(t)) })
}

func newPostgres(t *testing.T) backend {
	t.Helper()
	base := os.Getenv("TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("TEST_POSTGRES_URL is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run on PostgreSQL")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "auth_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return backend{"postgres", u.String()}
}

// countingStore counts the accounts looked up to check a password: a
// sign-in that gets that far is evaluated (hashed), one refused by a limit
// is not.
type countingStore struct {
	*store.DB
	lookups *atomic.Int64
}

func (c countingStore) FindUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	c.lookups.Add(1)
	return c.DB.FindUserByEmail(ctx, email)
}

func authOn(t *testing.T, db *store.DB, opts auth.Options) *auth.Auth {
	t.Helper()
	return authOnStore(t, db, opts)
}

func authOnStore(t *testing.T, st auth.Store, opts auth.Options) *auth.Auth {
	t.Helper()
	opts.Store = st
	if opts.Params == (auth.Params{}) {
		opts.Params = cheap
	}
	a, err := auth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// slowish makes a hash take about a millisecond, so that concurrent
// sign-ins overlap as they do with the real cost.
var slowish = auth.Params{Time: 1, Memory: 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// outcome classifies a sign-in result: "ok", "wrong" (the password was
// checked and was wrong) or "limited".
func outcome(t *testing.T, u *domain.User, err error) string {
	t.Helper()
	var le *auth.LimitedError
	switch {
	case err == nil && u != nil:
		return "ok"
	case errors.As(err, &le):
		return "limited"
	case domain.ErrorCode(err) == domain.EUNAUTHORIZED:
		return "wrong"
	}
	t.Fatalf("sign-in: %v", err)
	return ""
}

// TestParallelGuessesStopAtTheLimit: 60 wrong passwords sent at once
// against one account from one address; exactly the limit of them are
// checked, the rest refused before any hashing.
func TestParallelGuessesStopAtTheLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		var evaluated atomic.Int64
		a := authOnStore(t, countingStore{b.open(t), &evaluated}, auth.Options{Params: slowish})
		ctx := context.Background()
		if _, err := a.Register(ctx, auth.Registration{Email: "p@example.org", Password: "parallel-pw", Name: "P", Client: "192.0.2.9"}); err != nil {
			t.Fatal(err)
		}
		counts := guessAtOnce(t, []*auth.Auth{a}, 60, "p@example.org", "198.51.100.7")
		if counts["wrong"] != 10 || counts["limited"] != 50 || evaluated.Load() != 10 {
			t.Fatalf("outcomes %v, %d passwords checked: want exactly 10 checked (the limit) and 50 refused", counts, evaluated.Load())
		}
	})
}

// TestTwoInstancesShareTheLimit: two app instances (two Auth values on
// two store handles) on one PostgreSQL count together: guesses spread over
// both still stop at the limit.
func TestTwoInstancesShareTheLimit(t *testing.T) {
	b := newPostgres(t)
	var evaluated atomic.Int64
	a1 := authOnStore(t, countingStore{b.open(t), &evaluated}, auth.Options{Params: slowish})
	a2 := authOnStore(t, countingStore{b.open(t), &evaluated}, auth.Options{Params: slowish})
	ctx := context.Background()
	if _, err := a1.Register(ctx, auth.Registration{Email: "r@example.org", Password: "replicas-pw", Name: "R", Client: "192.0.2.9"}); err != nil {
		t.Fatal(err)
	}
	// One after the other: each instance alone would allow ten.
	counts := map[string]int{}
	for i := range 16 {
		u, err := []*auth.Auth{a1, a2}[i%2].SignIn(ctx, "r@example.org", fmt.Sprintf("guess-%d", i), "198.51.100.7")
		counts[outcome(t, u, err)]++
	}
	if counts["wrong"] != 10 || counts["limited"] != 6 {
		t.Fatalf("sequential over two instances: %v, want 10 checked and 6 refused", counts)
	}
	// At once, from another address: still the limit in total.
	counts = guessAtOnce(t, []*auth.Auth{a1, a2}, 40, "r@example.org", "198.51.100.8")
	if counts["wrong"] != 10 || counts["limited"] != 30 || evaluated.Load() != 20 {
		t.Fatalf("parallel over two instances: %v, %d passwords checked in all, want 10 checked (20 in all) and 30 refused", counts, evaluated.Load())
	}
}

func guessAtOnce(t *testing.T, as []*auth.Auth, n int, email, addr string) map[string]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			u, err := as[i%len(as)].SignIn(context.Background(), email, fmt.Sprintf("guess-%d", i), addr)
			o := outcome(t, u, err)
			mu.Lock()
			counts[o]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return counts
}

// TestOwnerSignsInDuringAnAttack follows the policy in the README: an
// attack from one address blocks only that address; the owner signs in
// from a new address. An attack spread over many addresses spends the
// account's budget; then a new address waits, but every address the owner
// signed in from before is still let in.
func TestOwnerSignsInDuringAnAttack(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.open(t)
		a := authOn(t, db, auth.Options{Limits: auth.LimitOptions{PerAccountAddress: 3, PerAccount: 8}})
		ctx := context.Background()
		const email, pw = "owner@example.org", "owner-password"
		if _, err := a.Register(ctx, auth.Registration{Email: email, Password: pw, Name: "O", Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		try := func(password, addr string) string {
			u, err := a.SignIn(ctx, email, password, addr)
			return outcome(t, u, err)
		}
		if got := try(pw, "192.0.2.1"); got != "ok" { // home: known from now on
			t.Fatalf("owner at home: %s", got)
		}
		// One attacking address: three guesses, then refused.
		for i := range 5 {
			want := "wrong"
			if i >= 3 {
				want = "limited"
			}
			if got := try("guess", "203.0.113.66"); got != want {
				t.Fatalf("attacker's guess %d: %s, want %s", i+1, got, want)
			}
		}
		// Even the right password is refused from the attacker's address...
		if got := try(pw, "203.0.113.66"); got != "limited" {
			t.Fatalf("right password from the blocked address: %s", got)
		}
		// ...but the owner on a train (a new address) is let in.
		if got := try(pw, "198.51.100.20"); got != "ok" {
			t.Fatalf("owner from a new address during a one-address attack: %s", got)
		}
		// Many addresses, one guess each, spend the rest of the budget (8).
		for i := range 10 {
			try("guess", fmt.Sprintf("203.0.113.%d", 100+i))
		}
		if got := try("guess", "203.0.113.200"); got != "limited" {
			t.Fatalf("a new attacking address after the budget is spent: %s", got)
		}
		// Now a brand-new address waits, even with the right password...
		if got := try(pw, "198.51.100.99"); got != "limited" {
			t.Fatalf("owner from a brand-new address with the budget spent: %s, want limited (the policy)", got)
		}
		// ...while home and the train, where the owner signed in before,
		// still work.
		for _, addr := range []string{"192.0.2.1", "198.51.100.20"} {
			if got := try(pw, addr); got != "ok" {
				t.Fatalf("owner from %s, a previously successful address, under attack: %s", addr, got)
			}
		}
	})
}

// TestSignUpLimit: sign-ups are limited per address, those refused for a
// taken email included; another address is not affected. With closed
// registration every sign-up gets one and the same answer.
func TestSignUpLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.open(t)
		a := authOn(t, db, auth.Options{Limits: auth.LimitOptions{SignUpsPerAddress: 3}})
		ctx := context.Background()
		reg := func(email, addr string) error {
			_, err := a.Register(ctx, auth.Registration{Email: email, Password: "sign-up-pw", Name: "S", Client: addr})
			return err
		}
		if err := reg("taken@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := reg("taken@example.org", "192.0.2.1"); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("taken email: %v", err)
		}
		if err := reg("new@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		var le *auth.LimitedError
		if err := reg("taken@example.org", "192.0.2.1"); !errors.As(err, &le) || domain.ErrorCode(err) != domain.ETOOMANY {
			t.Fatalf("fourth sign-up from one address: %v, want the limit", err)
		}
		if err := reg("other@example.org", "192.0.2.2"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		// A form with a typo is not counted: it reveals nothing.
		if err := reg("not-an-email", "192.0.2.3"); domain.ErrorField(err) != "email" {
			t.Fatalf("bad email: %v", err)
		}

		closed := authOn(t, db, auth.Options{RegistrationClosed: true})
		var answers []string
		for _, email := range []string{"taken@example.org", "fresh@example.org", "not-an-email"} {
			_, err := closed.Register(ctx, auth.Registration{Email: email, Password: "sign-up-pw", Name: "S", Client: "192.0.2.4"})
			answers = append(answers, fmt.Sprintf("%s|%s|%s", domain.ErrorCode(err), domain.ErrorMessage(err), domain.ErrorField(err)))
		}
		if answers[0] != answers[1] || answers[1] != answers[2] || !strings.HasPrefix(answers[0], domain.EFORBIDDEN) {
			t.Fatalf("closed registration answers differ: %q", answers)
		}
	})
}

// TestSignInFailuresCostTheSame: a wrong sign-in takes as long for an
// unknown email as for a known one, with a normal password and with one
// longer than MaxPasswordLen (which used to skip the hash for a known
// email: 1.4 ms against 44.5 ms). The hash is made slow enough (several
// milliseconds) to dominate, the paths are interleaved, and medians are
// compared with a margin of 3x; the bug was a factor of 30.
func TestSignInFailuresCostTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	db := backend{"sqlite", filepath.Join(t.TempDir(), "t.db")}.open(t)
	heavy := auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := authOn(t, db, auth.Options{Params: heavy, Limits: auth.LimitOptions{PerAccountAddress: 1e6, PerAddress: 1e6, PerAccount: 1e6}})
	ctx := context.Background()
	if _, err := a.Register(ctx, auth.Registration{Email: "known@example.org", Password: "known-password", Name: "K", Client: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", auth.MaxPasswordLen+44)
	paths := []struct{ name, email, pw string }{
		{"known, wrong", "known@example.org", "wrong-password"},
		{"known, too long", "known@example.org", long},
		{"unknown, wrong", "nobody@example.org", "wrong-password"},
		{"unknown, too long", "nobody@example.org", long},
	}
	var n atomic.Int64
	samples := make([][]time.Duration, len(paths))
	for range 15 {
		for i, p := range paths {
			addr := fmt.Sprintf("10.%d.0.1", n.Add(1)%250)
			start := time.Now()
			_, err := a.SignIn(ctx, p.email, p.pw, addr)
			samples[i] = append(samples[i], time.Since(start))
			if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Fatalf("%s: %v", p.name, err)
			}
		}
	}
	medians := make([]time.Duration, len(paths))
	for i := range samples {
		slices.Sort(samples[i])
		medians[i] = samples[i][len(samples[i])/2]
	}
	lo, hi := slices.Min(medians), slices.Max(medians)
	t.Logf("median per path: %v", medians)
	if hi > 3*lo {
		for i, p := range paths {
			t.Errorf("%s: median %v", p.name, medians[i])
		}
		t.Fatalf("sign-in failures differ in cost by %.1fx, want under 3x", float64(hi)/float64(lo))
	}
}
