package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/safehttp"
)

// Session is an authenticated HTTP client for the API. Its transport adds
// the bearer token, refreshes it when it has expired and once more when the
// server answers 401 (the real API did so long before expires_in), and saves
// every new token in the store at once, because after a refresh the old
// refresh token is dead.
type Session struct {
	p      Server
	api    *url.URL // from ForAPI; nil (any origin) without it
	apiURL string
	store  TokenStore
	conf   *oauth2.Config
	base   http.RoundTripper
	token  *http.Client // for the token endpoint
	logf   func(string, ...any)
	now    func() time.Time
	delta  time.Duration

	// refreshing is a mutex that a waiter can give up on when its context
	// ends; it makes concurrent requests wait for one refresh, not do N.
	refreshing chan struct{}
	tok        chan *oauth2.Token // 1-buffered: the current token
	refreshes  int
}

// SessionOption configures NewSession.
type SessionOption func(*Session)

// WithHTTPClient sets the client whose Transport carries API requests and
// which talks to the token endpoint (default: a safehttp.Transport with the
// default timeouts, and a client with a 30 s timeout). Redirects to another
// origin are refused either way.
func WithHTTPClient(hc *http.Client) SessionOption {
	return func(s *Session) {
		s.token = hc
		if hc.Transport != nil {
			s.base = hc.Transport
		}
	}
}

// ForAPI names the API the tokens are for: the session's client sends a
// token only to that origin, and refuses a request (or a redirect) to any
// other. Without it any origin is taken.
func ForAPI(apiURL string) SessionOption {
	return func(s *Session) {
		s.apiURL = apiURL
		if u, err := url.Parse(apiURL); err == nil && u.Host != "" {
			s.api = u
		}
	}
}

// WithLogf receives notices (a refresh happened, where a rotated token went).
// They never contain a token.
func WithLogf(logf func(format string, a ...any)) SessionOption {
	return func(s *Session) { s.logf = logf }
}

// WithClock replaces time.Now, for tests of expiry.
func WithClock(now func() time.Time) SessionOption { return func(s *Session) { s.now = now } }

// WithExpiryDelta refreshes a token this long before it expires (default 10 s,
// at most a quarter of the token's lifetime) so it does not expire in flight.
func WithExpiryDelta(d time.Duration) SessionOption { return func(s *Session) { s.delta = d } }

// NewSession loads the token from store. It fails with an error wrapping
// ErrLoginRequired when there is none; the token is refreshed lazily, on the
// first request that needs it.
func NewSession(ctx context.Context, p Server, store TokenStore, opts ...SessionOption) (*Session, error) {
	s := &Session{
		p:          p,
		store:      store,
		conf:       p.config(""),
		base:       safehttp.NewTransport(safehttp.Timeouts{}),
		logf:       func(string, ...any) {},
		now:        time.Now,
		delta:      10 * time.Second,
		refreshing: make(chan struct{}, 1),
		tok:        make(chan *oauth2.Token, 1),
	}
	for _, o := range opts {
		o(s)
	}
	if s.token == nil {
		s.token = &http.Client{Timeout: tokenTimeout, Transport: s.base}
	}
	tok, err := store.Load(ctx)
	if errors.Is(err, ErrNoToken) {
		return nil, loginRequired("not logged in (%v)", err)
	}
	if err != nil {
		return nil, err
	}
	s.tok <- tok
	return s, nil
}

// Client returns an http.Client that authenticates every request. It has
// no overall timeout (a large body may take long); each phase of a request
// is bounded by the transport's timeouts. It follows redirects only within
// the origin of the request, and sends the token only to the API's origin.
func (s *Session) Client() *http.Client {
	return &http.Client{Transport: (*transport)(s), CheckRedirect: safehttp.CheckRedirect}
}

// Server is the provider the session talks to.
func (s *Session) Server() Server { return s.p }

// APIURL is the API the session's tokens are for, as ForAPI named it.
func (s *Session) APIURL() string { return s.apiURL }

// Store is where the session keeps its token.
func (s *Session) Store() TokenStore { return s.store }

// Token returns a valid token, refreshing it first if needed. Callers use it
// for metadata (Scopes, Expiry); the token itself must never be printed.
func (s *Session) Token(ctx context.Context) (*oauth2.Token, error) {
	tok := s.current()
	if s.valid(tok) {
		return tok, nil
	}
	return s.refresh(ctx, tok.AccessToken)
}

// Refreshes counts the refreshes this session did, for tests and --verbose.
func (s *Session) Refreshes() int {
	s.refreshing <- struct{}{}
	defer func() { <-s.refreshing }()
	return s.refreshes
}

func (s *Session) current() *oauth2.Token {
	tok := <-s.tok
	s.tok <- tok
	return tok
}

func (s *Session) setCurrent(tok *oauth2.Token) {
	<-s.tok
	s.tok <- tok
}

// valid reports whether tok can be sent: it has an access token that does not
// expire within the expiry delta. A zero Expiry means "unknown": send it
// and rely on the 401 path.
func (s *Session) valid(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	if tok.Expiry.IsZero() {
		return true
	}
	d := s.delta
	if life := time.Duration(tok.ExpiresIn) * time.Second; life > 0 && d > life/4 {
		d = life / 4
	}
	return s.now().Add(d).Before(tok.Expiry)
}

// refresh replaces the token whose access token stale failed or expired.
// Only one refresh runs at a time; a caller that waited for another's
// refresh takes its result instead of refreshing again.
func (s *Session) refresh(ctx context.Context, stale string) (*oauth2.Token, error) {
	select {
	case s.refreshing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.refreshing }()

	if tok := s.current(); tok != nil && tok.AccessToken != stale && s.valid(tok) {
		return tok, nil
	}
	// The refresh must finish even if the request that triggered it is
	// cancelled: a server that rotates refresh tokens may have consumed the
	// old one already, and dropping its answer would end the token chain.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenTimeout)
	defer cancel()
	tok, err := s.store.Update(rctx, func(cur *oauth2.Token) (*oauth2.Token, error) {
		if cur == nil {
			return nil, loginRequired("the stored token was removed (logged out?)")
		}
		// Another process refreshed while we waited for the lock.
		if cur.AccessToken != stale && s.valid(cur) {
			return cur, nil
		}
		if cur.RefreshToken == "" {
			return nil, loginRequired("the access token from %s expired or was rejected and there is no refresh token", s.store)
		}
		src := s.conf.TokenSource(s.p.withClient(rctx, s.token), &oauth2.Token{RefreshToken: cur.RefreshToken})
		nt, err := src.Token()
		if err != nil {
			err = serverError("token refresh", err)
			var se *ServerError
			if errors.As(err, &se) && se.Code == "invalid_grant" {
				return nil, fmt.Errorf("%w; the refresh token from %s is no longer valid: %w", err, s.store, ErrLoginRequired)
			}
			return nil, err
		}
		s.refreshes++
		return withExtras(nt, Scopes(cur), User(cur)), nil
	})
	if err != nil {
		return nil, err
	}
	s.setCurrent(tok)
	if tok.AccessToken != stale {
		s.logf("access token refreshed (expires %s), saved to %s", expiryText(tok, s.now()), savedTo(s.store))
	}
	return tok, nil
}

func expiryText(tok *oauth2.Token, now time.Time) string {
	if tok.Expiry.IsZero() {
		return "at an unknown time"
	}
	return fmt.Sprintf("in %s", tok.Expiry.Sub(now).Round(time.Second))
}

// transport is the Session's http.RoundTripper.
type transport Session

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := (*Session)(t)
	ctx := req.Context()
	// Whatever client carries this transport, and whatever it follows,
	// the token goes to the API only.
	if s.api != nil && !safehttp.SameOrigin(s.api, req.URL) {
		closeBody(req)
		return nil, fmt.Errorf("refused to send the access token to %s, which is not the API's origin %s: %w",
			safehttp.Redact(req.URL.String()), safehttp.Origin(s.api), safehttp.ErrCrossOrigin)
	}
	tok, err := s.Token(ctx)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := s.base.RoundTrip(authorize(req, tok))
	if err != nil {
		return resp, err
	}
	rejected := resp.StatusCode == http.StatusUnauthorized
	if !rejected && resp.StatusCode == http.StatusOK && s.p.Unauthorized != nil {
		if resp, rejected, err = inBandRejection(resp, s.p.Unauthorized); err != nil {
			return nil, err
		}
	}
	if !rejected {
		return resp, nil
	}
	// A 401 while the token looked valid: the server revoked or expired it
	// early. Refresh once and replay, if the body can be sent again.
	newTok, rerr := s.refresh(ctx, tok.AccessToken)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if rerr != nil {
		if errors.Is(rerr, ErrLoginRequired) {
			drain(resp)
			return nil, fmt.Errorf("the server rejected the access token (%s): %w", rejection(resp), rerr)
		}
		// A transient refresh failure: hand back the server's own 401.
		s.logf("refresh after %s failed: %v", rejection(resp), rerr)
		return resp, nil
	}
	if !replayable || newTok.AccessToken == tok.AccessToken {
		return resp, nil
	}
	r2 := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		r2.Body = body
	}
	drain(resp)
	return s.base.RoundTrip(authorize(r2, newTok))
}

// maxInBandError bounds the start of a 200 answer read to see whether it
// is an in-band rejection; such answers are a few dozen bytes, and a
// longer body is data, handed on whole.
const maxInBandError = 4 << 10

// inBandRejection reads up to maxInBandError bytes of resp's body and asks
// unauthorized about a body that ended within them. The returned response
// reads the whole body as it came.
func inBandRejection(resp *http.Response, unauthorized func([]byte) bool) (*http.Response, bool, error) {
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxInBandError+1))
	if err != nil {
		resp.Body.Close()
		return nil, false, err
	}
	if len(head) > maxInBandError {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		return resp, false, nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(head))
	return resp, unauthorized(head), nil
}

// rejection names how the server rejected the token, for messages.
func rejection(resp *http.Response) string {
	if resp.StatusCode == http.StatusUnauthorized {
		return "HTTP 401"
	}
	return "in the body of an HTTP 200 answer"
}

// authorize returns a copy of req carrying tok; a RoundTripper must not
// modify the caller's request.
func authorize(req *http.Request, tok *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	if req.Body != nil {
		r.Body = req.Body
	}
	tok.SetAuthHeader(r)
	return r
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// savedTo names where store put the last token it saved, for notices: an
// EnvStore cannot update the environment, so it names its _OUT file.
func savedTo(store TokenStore) string {
	if w, ok := store.(interface{ savedTo() string }); ok {
		return w.savedTo()
	}
	return fmt.Sprint(store)
}
