package auth

import (
	"context"
	"crypto/subtle"
	"strings"
	"unicode/utf8"

	"github.com/discreet-dev/discreet/examples/timetracker/domain"
)

// CreateToken makes a personal API token named name for the user. It
// returns the secret, which is shown to the user this once and stored only
// as its SHA-256 hash, and the stored token.
func (a *Auth) CreateToken(ctx context.Context, userID int64, name string) (string, *domain.Token, error) {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", nil, domain.FieldError("name", "Name the token, for example after the machine that uses it.")
	case n > 100:
		return "", nil, domain.FieldError("name", "Name is longer than 100 characters.")
	}
	secret := TokenPrefix + randomSecret()
	t := &domain.Token{UserID: userID, Name: name, Hash: hashSecret(secret), CreatedAt: a.opts.Now().UTC()}
	if err := a.store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// token resolves a bearer token to its stored row; EUNAUTHORIZED when it
// is not a live token.
func (a *Auth) token(ctx context.Context, secret string) (*domain.Token, error) {
	notFound := domain.Errorf(domain.EUNAUTHORIZED, "The API token is not valid.")
	if len(secret) != len(TokenPrefix)+secretLen || !strings.HasPrefix(secret, TokenPrefix) {
		return nil, notFound
	}
	h := hashSecret(secret)
	t, err := a.store.FindTokenByHash(ctx, h)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	// The lookup was by the hash, which reveals nothing about the secret
	// through timing; a store that returns the hash gets it checked again.
	if len(t.Hash) > 0 && subtle.ConstantTimeCompare(t.Hash, h) != 1 {
		return nil, notFound
	}
	return t, nil
}
