package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an answer of the API that is not a success: the HTTP status
// and what the body's envelope said of the error (see Envelope).
type APIError struct {
	Status      int    // HTTP status code, or what an in-band code stands for
	Code        int    // the in-band code, when it is not Status itself
	Message     string // the envelope's message
	ErrorType   string // the envelope's error type
	ErrorDetail string // the envelope's error detail
	Body        string // the start of a body that was not an envelope
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	if e.Code != 0 {
		fmt.Fprintf(&b, " (status %d in the body)", e.Code)
	}
	for _, s := range []string{e.Message, e.ErrorType, e.ErrorDetail} {
		if s != "" && !strings.EqualFold(s, http.StatusText(e.Status)) {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	if e.Message == "" && e.ErrorDetail == "" && e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

// Temporary reports whether the same request may succeed later.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 && e.Status != http.StatusNotImplemented
}

// IsForbidden reports whether err says the token may not read the endpoint:
// a 403, or the server's "insufficient_scope".
func IsForbidden(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Status == http.StatusForbidden || strings.Contains(ae.ErrorType, "scope")
}

// PageError places an error at an endpoint's page: "moves page 3: ...".
type PageError struct {
	Endpoint string
	Page     int    // 1-based
	URL      string // the request, without password (tokens go in headers)
	Err      error
}

func (e *PageError) Error() string {
	return fmt.Sprintf("%s page %d (GET %s): %v", e.Endpoint, e.Page, e.URL, e.Err)
}

func (e *PageError) Unwrap() error { return e.Err }
