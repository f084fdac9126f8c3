package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/time/rate"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
)

// Options configure a Client.
type Options struct {
	// HTTPClient sends the requests; it authenticates them (fetch/auth).
	HTTPClient *http.Client
	// APIURL is the versioned API root, e.g. https://jawbone.com/nudge/api/v.1.1.
	APIURL string
	// Envelope says where responses keep their payload, user and errors.
	Envelope Envelope
	// Concurrency bounds the requests in flight, across all endpoints and
	// tick fan-outs. Default 4.
	Concurrency int
	// Rate limits requests per second over the whole run; 0 means no limit.
	Rate float64
	// Retries is how many times a failed idempotent GET is tried again;
	// 0 (or less) tries once. DefaultRetries is what the CLI uses.
	Retries int
	// MaxWait caps one wait between tries, including a server's Retry-After
	// when the try counts as a retry (a 503, a second 429). Default 60s.
	MaxWait time.Duration
	// MaxPages stops a collection that pages on past this many pages.
	// Default 1,000,000.
	MaxPages int
	// MaxBody caps the size of one response body. Default 256 MiB.
	MaxBody int64
	// Logger gets one debug line per request (method, URL without
	// password, status, duration) and, unless OnRetry is set, per retry.
	Logger *slog.Logger
	// OnRetry, when set, is told of every retry (for progress displays),
	// instead of the Logger.
	OnRetry func(endpoint string, err error, wait time.Duration)
	// MaxQuotaWait caps one wait for the API's quota to come back (a spent
	// quota's reset, a 429's Retry-After): a longer one fails the request
	// at once with a *QuotaWaitError, and so does one that would end after
	// the context's deadline. Default 1h.
	MaxQuotaWait time.Duration
	// OnQuotaWait, when set, is told when requests of an endpoint start to
	// wait for the quota, and until when (for progress displays), instead
	// of the Logger. It must not block.
	OnQuotaWait func(endpoint string, until time.Time)
	// Header is sent with every request, over the client's own Accept:
	// what an API reads from headers rather than the query (Fitbit's
	// Accept-Language picks the unit system of every number).
	Header http.Header
}

// DefaultRetries is the --retries default: enough for a flaky network and
// a server that sheds load, few enough to fail a dead one in a minute.
const DefaultRetries = 5

// Stats count what a Client did. Safe for concurrent use.
type Stats struct {
	Requests    atomic.Int64 // HTTP requests sent, retries included
	Retries     atomic.Int64
	Bytes       atomic.Int64 // response body bytes read
	RateLimited atomic.Int64 // 429 answers
}

// Client reads the API. It is safe for concurrent use.
type Client struct {
	http     *http.Client
	base     *url.URL
	limiter  *rate.Limiter
	pacer    *pacer
	inflight chan struct{}
	env      *envelopeReader
	opts     Options
	log      *slog.Logger
	Stats    Stats
}

// NewClient returns a Client for the API at o.APIURL.
func NewClient(o Options) (*Client, error) {
	if o.HTTPClient == nil {
		return nil, errors.New("fetch: no HTTP client")
	}
	base, err := url.Parse(o.APIURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("fetch: API URL %q is not an absolute URL", safehttp.Redact(o.APIURL))
	}
	if base.Scheme != "https" && base.Scheme != "http" {
		return nil, fmt.Errorf("fetch: API URL %q: scheme must be http or https", redacted(base))
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	o.Retries = max(o.Retries, 0)
	if o.MaxWait <= 0 {
		o.MaxWait = 60 * time.Second
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 1_000_000
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 256 << 20
	}
	if o.MaxQuotaWait <= 0 {
		o.MaxQuotaWait = time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	env, err := newEnvelopeReader(o.Envelope)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	c := &Client{http: o.HTTPClient, base: base, opts: o, log: o.Logger, env: env,
		inflight: make(chan struct{}, o.Concurrency)}
	onWait := o.OnQuotaWait
	if onWait == nil {
		onWait = func(endpoint string, until time.Time) {
			c.log.Info("waiting for the API quota", "endpoint", endpoint,
				"until", until.Format(time.RFC3339), "wait", time.Until(until).Round(time.Second).String())
		}
	}
	c.pacer = newPacer(o.MaxQuotaWait, onWait)
	if o.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(o.Rate), max(1, int(o.Rate)))
	}
	return c, nil
}

// Concurrency is the bound on requests in flight.
func (c *Client) Concurrency() int { return cap(c.inflight) }

// resolve turns an endpoint path ("users/@me/moves") or a host-relative
// next link ("/nudge/api/v.1.1/users/X/moves?...") into a URL on the API's
// host. A link that ends up anywhere else is refused: following it would
// send the user's token to whoever the server names. The check is on the
// resolved URL, since "//x@" or "https:x" change the host in ways a look
// at the link alone misses.
func (c *Client) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad link %q: %w", ref, err)
	}
	var r *url.URL
	if len(ref) > 0 && ref[0] == '/' || u.Scheme != "" {
		r = c.base.ResolveReference(u)
	} else {
		// Relative to the API root, which has no trailing slash.
		root := *c.base
		root.Path = trimSlash(root.Path) + "/"
		root.RawPath = ""
		r = root.ResolveReference(u)
	}
	if r.Scheme != c.base.Scheme || r.Host != c.base.Host || r.Opaque != "" {
		return nil, fmt.Errorf("link %q leaves the API host %s", ref, c.base.Host)
	}
	return r, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// get sends one GET, with retries, and returns the envelope's data and the
// user xid the server reported.
func (c *Client) get(ctx context.Context, endpoint string, u *url.URL) (json.RawMessage, string, error) {
	var last error
	// A 429 that says when the quota comes back is waited out without
	// counting as a retry, once per request: if the server refuses again
	// after the wait it named, its word counts no more than any 429.
	quotaWaited := false
	op := func() (*answer, error) {
		env, err := c.try(ctx, endpoint, u)
		var qe *quotaError
		if errors.As(err, &qe) && !quotaWaited && ctx.Err() == nil {
			quotaWaited = true
			env, err = c.try(ctx, endpoint, u) // the pacer waits until qe.until
		}
		if err == nil {
			return env, nil
		}
		if errors.As(err, &qe) {
			err = &retryAfterError{err: qe.err, wait: min(max(0, time.Until(qe.until)), c.opts.MaxWait)}
		}
		if ctx.Err() != nil {
			return nil, backoff.Permanent(ctx.Err())
		}
		last = err
		var ra *retryAfterError
		if errors.As(err, &ra) {
			return nil, err
		}
		if !retryable(err) {
			return nil, backoff.Permanent(err)
		}
		return nil, err
	}
	logRetry := c.opts.OnRetry == nil
	eb := backoff.NewExponentialBackOff()
	eb.InitialInterval = 250 * time.Millisecond
	eb.MaxInterval = c.opts.MaxWait
	env, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(eb),
		backoff.WithMaxTries(uint(c.opts.Retries)+1),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(err error, wait time.Duration) {
			c.Stats.Retries.Add(1)
			if logRetry {
				c.log.LogAttrs(ctx, slog.LevelDebug, "retry", slog.String("endpoint", endpoint),
					slog.String("url", redacted(u)), slog.String("error", err.Error()), slog.Duration("wait", wait))
			} else {
				c.opts.OnRetry(endpoint, err, wait)
			}
		}))
	if err != nil {
		var ra *retryAfterError
		if errors.As(err, &ra) {
			err = ra.err // retries ran out: report what the server said
		} else if last != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = last
		}
		return nil, "", err
	}
	return env.data, env.user, nil
}

// answer is a successful response's payload and the user it is about.
type answer struct {
	data json.RawMessage
	user string
}

// try sends the request once, when the --rate limit, the concurrency
// bound and the API's quota allow.
func (c *Client) try(ctx context.Context, endpoint string, u *url.URL) (*answer, error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	select {
	case c.inflight <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.inflight }()
	if err := c.pacer.acquire(ctx, endpoint); err != nil {
		return nil, err
	}
	status, quota := 0, Quota{Limit: -1, Remaining: -1}
	defer func() { c.pacer.done(status, quota) }()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	for k, vs := range c.opts.Header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	c.Stats.Requests.Add(1)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		safehttp.RedactError(err)
		c.logRequest(ctx, u, 0, start, err)
		if final(err) {
			return nil, err
		}
		return nil, &transportError{err}
	}
	status, quota = resp.StatusCode, parseQuota(resp.Header, time.Now())
	if status == http.StatusTooManyRequests {
		c.Stats.RateLimited.Add(1)
		if quota.Remaining < 0 && !quota.Reset.IsZero() {
			quota.Remaining = 0 // a 429 with a reset says the quota is spent until then
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	resp.Body.Close()
	c.Stats.Bytes.Add(int64(len(body)))
	c.logRequest(ctx, u, resp.StatusCode, start, err)
	if err != nil {
		return nil, &transportError{fmt.Errorf("reading body: %w", err)}
	}
	if int64(len(body)) > c.opts.MaxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", c.opts.MaxBody)
	}
	if resp.StatusCode != http.StatusOK {
		ae := c.env.apiError(resp.StatusCode, body)
		if until, ok := quota.comeBack(); ok && resp.StatusCode == http.StatusTooManyRequests {
			return nil, &quotaError{err: ae, until: until}
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				return nil, &retryAfterError{err: ae, wait: min(d, c.opts.MaxWait)}
			}
		}
		return nil, ae
	}
	data, user, err := c.env.open(body)
	if err != nil {
		var ae *APIError
		switch {
		case errors.As(err, &ae) || errors.Is(err, errNoData):
			return nil, err
		case isTruncation(err):
			return nil, &transportError{fmt.Errorf("truncated body (%d bytes): %w", len(body), err)}
		}
		return nil, fmt.Errorf("malformed JSON in a %d-byte body: %w", len(body), err)
	}
	return &answer{data: data, user: user}, nil
}

// logRequest is the --verbose line of one request. The URL has no
// password; tokens travel in headers, which are never logged.
func (c *Client) logRequest(ctx context.Context, u *url.URL, status int, start time.Time, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("method", http.MethodGet), slog.String("url", redacted(u))}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(start).Round(time.Millisecond)))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "request", attrs...)
}

// final reports whether a request that got no response must not be tried
// again: the login is gone (a rejected refresh token, a 401 with nothing
// to refresh with), the token endpoint refused the client, or a redirect
// would take the token to another origin. The same request would fail the
// same way, and a dead credential should not be hammered.
func final(err error) bool {
	if errors.Is(err, auth.ErrLoginRequired) || errors.Is(err, safehttp.ErrCrossOrigin) ||
		errors.Is(err, safehttp.ErrTooManyRedirects) {
		return true
	}
	var se *auth.ServerError
	return errors.As(err, &se) && se.Status >= 400 && se.Status < 500 && se.Status != http.StatusTooManyRequests
}

// transportError is a failure to get a whole response: a reset connection,
// a timeout, a body cut short. The same GET may succeed when tried again.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// quotaError is a 429 that says when the quota comes back.
type quotaError struct {
	err   *APIError
	until time.Time
}

func (e *quotaError) Error() string { return e.err.Error() }
func (e *quotaError) Unwrap() error { return e.err }

// retryAfterError carries the server's Retry-After into the backoff, and
// keeps the HTTP error to report if retries run out.
type retryAfterError struct {
	err  *APIError
	wait time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// As lets backoff.Retry see the server's wait.
func (e *retryAfterError) As(target any) bool {
	if t, ok := target.(**backoff.RetryAfterError); ok {
		*t = &backoff.RetryAfterError{Duration: e.wait}
		return true
	}
	return false
}

func retryable(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Temporary()
}

func isTruncation(err error) bool {
	var se *json.SyntaxError
	return errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &se) && se.Error() == "unexpected end of JSON input"
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
// A delay too large for a time.Duration is the largest one (the caller
// caps it at MaxWait anyway).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if s < 0 {
			return 0, false
		}
		if s > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}
