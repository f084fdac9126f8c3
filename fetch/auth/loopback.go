package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// LoopbackOptions configures LoginLoopback.
type LoopbackOptions struct {
	// RedirectHost is the host of the redirect URI: "127.0.0.1" (default),
	// "localhost" or "[::1]". The listener is dual-stack either way.
	RedirectHost string
	// RedirectPort is the listener's port; 0 picks a free one. Set it only
	// for providers that need the exact redirect URI registered.
	RedirectPort int
	// Timeout ends the wait for the browser; 0 means 5 minutes.
	Timeout time.Duration
	// OpenURL shows the authorization URL to the user: opens a browser,
	// or, in demo mode and tests, performs the requests itself. It runs in
	// its own goroutine, since a stub may block until the login is done. On
	// an error the login keeps waiting for a pasted URL if Paste is set, and
	// otherwise fails at once: nobody could finish it. nil: the URL is only
	// printed.
	OpenURL func(ctx context.Context, authURL string) error
	// Paste, if set, is read for a pasted redirect URL while the listener
	// waits (a terminal's stdin); whichever arrives first wins.
	Paste io.Reader
	// Out gets the messages meant for the user: the URL, the prompt.
	Out io.Writer
	// Logf gets diagnostics: rejected callbacks, a browser that failed.
	Logf func(format string, a ...any)
	// HTTPClient talks to the token endpoint (default: 30 s timeout).
	HTTPClient *http.Client
}

// LoginLoopback runs the authorization-code flow with PKCE (S256) and a
// random state, receiving the redirect on a loopback listener (RFC 8252) or
// as a URL pasted into the terminal, and exchanges the code for a token.
// The token carries the granted scopes (see Scopes).
func LoginLoopback(ctx context.Context, p Server, opts LoopbackOptions) (*oauth2.Token, error) {
	if p.AuthURL == "" {
		return nil, errors.New("no authorization URL: set --auth-url or UPEXPORT_AUTH_URL")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}

	lns, hostPort, err := loopbackListeners(opts.RedirectHost, opts.RedirectPort, logf)
	if err != nil {
		return nil, err
	}
	redirectURL := "http://" + hostPort + callbackPath
	conf := p.config(redirectURL)
	verifier := oauth2.GenerateVerifier()
	state := randomString()
	authURL := conf.AuthCodeURL(state, append(p.authURLOptions(), oauth2.S256ChallengeOption(verifier))...)

	check := newCallbackCheck(state, p.Issuer, logf)
	srv := &http.Server{Handler: check.handler(hostPort), ReadHeaderTimeout: 10 * time.Second}
	for _, l := range lns {
		go func(l net.Listener) { _ = srv.Serve(l) }(l)
	}
	defer func() {
		// Graceful: the result page being sent is finished first.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()

	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	fmt.Fprintf(out, "Open this URL in a browser to log in:\n\n  %s\n\n", authURL)
	openFailed := make(chan error, 1)
	if opts.OpenURL != nil {
		// ctx, not waitCtx: a stub still reading the result page must not be
		// cut off by the end of the wait.
		go func() {
			if err := opts.OpenURL(ctx, authURL); err != nil && waitCtx.Err() == nil {
				logf("could not open a browser (%v); open the URL above yourself", err)
				openFailed <- err
			}
		}()
	}
	pasteDone := make(chan error, 1)
	if opts.Paste != nil {
		fmt.Fprintf(out, "Waiting for the browser. If it cannot reach this machine, paste the address it ends on here and press Enter:\n")
		go func() { pasteDone <- readPasted(waitCtx, opts.Paste, out, check.check) }()
	} else {
		fmt.Fprintf(out, "Waiting for the browser...\n")
	}

	var cb callback
	for got := false; !got; {
		select {
		case cb = <-check.result:
			got = true
		case err := <-openFailed:
			// Nobody can act on the printed URL without a terminal to
			// paste into: fail now rather than wait for the timeout.
			if opts.Paste == nil {
				return nil, loginRequired("could not open a browser (%v) and there is no terminal to paste the redirect URL into", err)
			}
		case err := <-pasteDone:
			// EOF on the terminal: the listener may still get the callback.
			if !errors.Is(err, io.EOF) && err != nil && waitCtx.Err() == nil {
				logf("%v", err)
			}
			pasteDone = nil
		case <-waitCtx.Done():
			if ctx.Err() != nil {
				return nil, fmt.Errorf("login cancelled: %w", ctx.Err())
			}
			return nil, fmt.Errorf("login timed out after %s waiting for the browser to come back to %s; run 'upexport login' again (--timeout gives more time; --no-browser or --device help where no browser can reach this machine): %w",
				timeout, redirectURL, context.DeadlineExceeded)
		}
	}

	tok, err := exchange(ctx, p, conf, cb, verifier, opts.HTTPClient)
	check.finish(err)
	// Let the browser's redirect pick up the result page before the
	// listener goes away; a pasted URL has no browser waiting.
	if cb.browser {
		select {
		case <-check.shown:
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
		}
	}
	if err != nil {
		return nil, err
	}
	return withScopes(tok, p.Scopes), nil
}

func exchange(ctx context.Context, p Server, conf *oauth2.Config, cb callback, verifier string, hc *http.Client) (*oauth2.Token, error) {
	if cb.err != nil {
		return nil, cb.err
	}
	ctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	tok, err := conf.Exchange(p.withClient(ctx, hc), cb.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, serverError("token exchange", err)
	}
	return tok, nil
}

// randomString returns 256 random bits, base64url: the state.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
