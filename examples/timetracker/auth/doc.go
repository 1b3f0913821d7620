// Package auth is the time tracker's account security: password hashing,
// browser sessions, CSRF protection, personal API tokens and the sign-in
// rate limiter. The JSON API and the HTML pages share it, so a user is
// recognised the same way whichever door they came in by.
//
// # Passwords
//
// [HashPassword] derives an argon2id key with a random salt and encodes it
// in the usual $argon2id$v=19$m=…,t=…,p=…$salt$key form, so the cost can be
// raised later without invalidating stored hashes: [CheckPassword] reads the
// parameters from the hash itself. Hashing runs through a small semaphore,
// because each hash takes [Params.Memory] KiB and a burst of sign-ins must
// not exhaust the host's memory.
//
// # Sessions and tokens
//
// A session ID and an API token are 256 random bits. The database only
// ever holds their SHA-256 hashes, so a copy of the database lets nobody
// sign in. The session cookie is HttpOnly and SameSite=Lax, and Secure when
// the request came over TLS or through a trusted TLS proxy
// ([Options.SecureCookies], [Options.TrustProxy]). API tokens carry the
// prefix [TokenPrefix] so that secret scanners and log scrubbers can spot
// them, and are shown to their owner once, when created.
//
// # The middleware
//
// [Auth.Middleware] resolves "Authorization: Bearer <token>" or the session
// cookie to the user, stores the [Identity] in the request context
// ([UserFrom], [IdentityFrom]) and records the user ID for the request log
// through [logging.SetUserID]. A state-changing request authenticated by the
// cookie must carry the session's CSRF token in the X-CSRF-Token header or,
// for HTML forms, in the csrf_token form field ([CSRFToken] returns it for
// templates); bearer-token requests need none, because a browser never adds
// that header by itself.
//
// # Rate limiting
//
// Sign-ins are limited per account and address, per address, and by a
// slower budget per account that addresses the account has signed in from
// before do not spend, so guessing stops without letting an attacker lock
// the owner out; sign-ups are limited per address (see [LimitOptions] for
// the policy). Each attempt is counted in the database before its
// password is hashed, and given back when it succeeds, so concurrent
// requests cannot outrun a limit and every process on one database counts
// together. Over a limit, [Auth.SignIn] and [Auth.Register] return a
// [*LimitedError] (domain.ETOOMANY). Every failed sign-in costs the same
// work, for an unknown email as for a known one and whatever the password's
// length, so the timing does not tell which emails have accounts.
package auth
