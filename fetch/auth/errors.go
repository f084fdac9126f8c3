package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/safehttp"
)

// ErrLoginRequired means no usable token is left: the user has to log in
// (or set UPEXPORT_REFRESH_TOKEN / UPEXPORT_ACCESS_TOKEN in CI).
var ErrLoginRequired = errors.New("login required")

// loginRequired wraps ErrLoginRequired with the reason.
func loginRequired(format string, a ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), ErrLoginRequired)
}

// ServerError is an OAuth error response (RFC 6749 §5.2, RFC 8628 §3.5,
// RFC 7009 §2.2.1) with everything that could carry a secret removed.
// oauth2.RetrieveError prints the whole response body when the server sent
// no error code, and a misbehaving server can echo the request (code,
// verifier, client secret) into that body.
type ServerError struct {
	Op          string // "token exchange", "token refresh", ...
	Status      int    // HTTP status, 0 if unknown
	Code        string // e.g. invalid_grant
	Description string // error_description, cleaned for a terminal
}

func (e *ServerError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(" failed: ")
	switch {
	case e.Code != "":
		b.WriteString("the server said ")
		b.WriteString(e.Code)
		if e.Description != "" {
			b.WriteString(" (" + e.Description + ")")
		}
	default:
		b.WriteString("the server sent no OAuth error code")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " [HTTP %d]", e.Status)
	}
	return b.String()
}

// serverError turns an error from golang.org/x/oauth2 into one that is safe
// to print. Errors of other kinds pass through wrapped with op; they come
// from net/http and name only the (secret-free) endpoint URL.
func serverError(op string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", op, safehttp.RedactError(err))
	}
	se := &ServerError{Op: op, Code: clean(re.ErrorCode, 64), Description: clean(re.ErrorDescription, 300)}
	if re.Response != nil {
		se.Status = re.Response.StatusCode
	}
	return se
}

// clean makes text that came from the network (or from a forged callback)
// safe to show: no control characters that could rewrite the terminal,
// and bounded length.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// AuthorizationError is an error redirect from the authorization endpoint
// (RFC 6749 §4.1.2.1), e.g. the user pressed "deny".
type AuthorizationError struct {
	Code        string
	Description string
}

func (e *AuthorizationError) Error() string {
	s := "the server refused the login: " + e.Code
	if e.Description != "" {
		s += " (" + e.Description + ")"
	}
	return s
}

// ErrIssuerMismatch: the authorization response names a different issuer
// than the one configured (RFC 9207), the sign of a mix-up attack or of a
// wrong --issuer.
var ErrIssuerMismatch = errors.New("authorization response came from an unexpected issuer")
