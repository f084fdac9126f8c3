package oauthserver

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Access is what a valid access token stands for.
type Access struct {
	UserID   string
	ClientID string
	Scopes   Scopes // the grant's, or fewer after a narrowing refresh
	Expires  time.Time
}

// The errors of Authenticate and Lookup, for the API's 401 answer.
var (
	ErrNoToken      = errors.New("no Bearer token")
	ErrInvalidToken = errors.New("invalid access token")
	ErrExpiredToken = errors.New("access token expired")
)

// BearerToken extracts an RFC 6750 bearer token from the Authorization
// header, the only form this server's APIs accept.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// Authenticate resolves the bearer token of an API request. The error is
// ErrNoToken, ErrInvalidToken (unknown or revoked) or ErrExpiredToken.
func (s *Server) Authenticate(r *http.Request) (Access, error) {
	tok, ok := BearerToken(r)
	if !ok {
		return Access{}, ErrNoToken
	}
	return s.Lookup(tok)
}

// Lookup resolves an access token. The error is ErrInvalidToken (unknown
// or revoked) or ErrExpiredToken.
func (s *Server) Lookup(token string) (Access, error) {
	a, ok, expired := s.st.lookupAccess(token, s.now())
	switch {
	case expired:
		return Access{}, ErrExpiredToken
	case !ok:
		return Access{}, ErrInvalidToken
	}
	return Access{UserID: a.grant.user, ClientID: a.grant.clientID, Scopes: a.scopes, Expires: a.expires}, nil
}
