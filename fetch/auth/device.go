package auth

import (
	"github.com/upexport/upexport/internal/termui"

	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// DeviceOptions configures LoginDevice.
type DeviceOptions struct {
	// Out gets the verification URL and the user code.
	Out io.Writer
	// HTTPClient talks to the device and token endpoints.
	HTTPClient *http.Client
}

// LoginDevice runs the RFC 8628 device authorization grant: it shows a code
// and a URL to open on any other device, then polls the token endpoint at
// the server's interval (slower on slow_down) until the user approves,
// denies, or the code expires.
func LoginDevice(ctx context.Context, p Server, opts DeviceOptions) (*oauth2.Token, error) {
	if p.DeviceURL == "" {
		return nil, errors.New("this provider has no device authorization endpoint (set --device-url); use 'upexport login --no-browser' instead")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	conf := p.config("")
	var extra []oauth2.AuthCodeOption
	// golang.org/x/oauth2 sends only client_id to the device endpoint; a
	// confidential client authenticates there too (RFC 8628 §3.1).
	if p.ClientSecret != "" && p.AuthStyle != oauth2.AuthStyleInHeader {
		extra = append(extra, oauth2.SetAuthURLParam("client_secret", p.ClientSecret))
	}
	cctx := p.withClient(ctx, opts.HTTPClient)
	da, err := conf.DeviceAuth(cctx, extra...)
	if err != nil {
		return nil, serverError("device authorization", err)
	}
	fmt.Fprintf(out, "To log in, open this URL on any device:\n\n  %s\n\nand enter the code:  %s\n\n", da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(out, "(or open %s, which has the code filled in)\n\n", da.VerificationURIComplete)
	}
	if !da.Expiry.IsZero() {
		fmt.Fprintf(out, "Waiting for approval; the code expires in %s...\n", termui.Duration(time.Until(da.Expiry)))
	} else {
		fmt.Fprintf(out, "Waiting for approval...\n")
	}
	// DeviceAccessToken handles authorization_pending (keep polling) and
	// slow_down (+5 s, RFC 8628 §3.5) itself and ends on any other error.
	tok, err := conf.DeviceAccessToken(cctx, da)
	if err == nil {
		return withScopes(tok, p.Scopes), nil
	}
	var re *oauth2.RetrieveError
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("login cancelled: %w", ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return nil, errors.New("the device code expired before the login was approved; run 'upexport login --device' again")
	case errors.As(err, &re) && re.ErrorCode == "access_denied":
		return nil, &AuthorizationError{Code: "access_denied", Description: "the login was denied on the verification page"}
	case errors.As(err, &re) && re.ErrorCode == "expired_token":
		return nil, errors.New("the device code expired before the login was approved; run 'upexport login --device' again")
	}
	return nil, serverError("device login", err)
}
