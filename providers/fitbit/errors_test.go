package fitbit_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/providers/fitbit"
)

// TestErrorBodies: Fitbit's {"errors": [...], "success": false} bodies
// name their errorType and message in the error an export reports, and
// an insufficient_scope 403 reads as forbidden (the resource is skipped).
func TestErrorBodies(t *testing.T) {
	for _, tc := range []struct {
		file, errorType, message string
		status                   int
	}{
		{"error_expired_token.json", "expired_token", "Access token expired: eyJhbGciOiJIUzI1NiJ9.c2FtcGxl", http.StatusUnauthorized},
		{"error_insufficient_scope.json", "insufficient_scope", "This application does not have permission to access sleep data.", http.StatusForbidden},
		{"error_rate_limit.json", "system", "Too Many Requests", http.StatusTooManyRequests},
	} {
		t.Run(tc.errorType, func(t *testing.T) {
			body := sampleFile(t, tc.file)
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write(body)
			}))
			defer hs.Close()
			p := fitbit.New()
			c, err := fetch.NewClient(fetch.Options{HTTPClient: hs.Client(), APIURL: hs.URL, Envelope: p.API.Envelope, Retries: -1})
			if err != nil {
				t.Fatal(err)
			}
			res, _ := p.Lookup(fitbit.Profile)
			err = res.Paginator.Paginate(t.Context(), c, fetch.Read{Endpoint: res.Name, Path: res.Path}, func(fetch.Page) error { return nil })
			var ae *fetch.APIError
			if !errors.As(err, &ae) || ae.ErrorType != tc.errorType || ae.Message != tc.message || ae.Status != tc.status {
				t.Fatalf("error = %#v, want %d %s: %s", err, tc.status, tc.errorType, tc.message)
			}
			if !strings.Contains(err.Error(), tc.errorType) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error text %q does not name the type and message", err)
			}
			if got := fetch.IsForbidden(err); got != (tc.status == http.StatusForbidden) {
				t.Errorf("IsForbidden = %v", got)
			}
		})
	}
}

// TestTokenErrors: the token endpoint's Fitbit errors become RFC 6749's
// error and error_description, which the login reads (invalid_grant asks
// for a new login); successes pass unchanged.
func TestTokenErrors(t *testing.T) {
	rewrite := fitbit.New().OAuth.TokenResponse
	status, body, err := rewrite(400, []byte(`{"errors":[{"errorType":"invalid_grant","message":"Refresh token invalid: x."}],"success":false}`))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &v); err != nil || status != 400 || v.Error != "invalid_grant" || v.Description != "Refresh token invalid: x." {
		t.Errorf("rewritten: %d %s (%v)", status, body, err)
	}
	ok := sampleFile(t, "token_response.json")
	if status, body, err := rewrite(200, ok); err != nil || status != 200 || string(body) != string(ok) {
		t.Errorf("a success was changed: %d %s %v", status, body, err)
	}
}
