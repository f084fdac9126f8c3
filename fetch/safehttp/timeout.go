package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Timeouts bound each phase of a request. A zero field takes its default.
type Timeouts struct {
	// Connect bounds the TCP connection and, for https, the TLS handshake.
	Connect time.Duration
	// Response bounds the wait for the response headers once the request
	// has been sent: the time the server takes to think.
	Response time.Duration
	// Idle bounds one read of the response body that brings no data: a
	// body may take as long as it likes in total, but must keep moving.
	Idle time.Duration
}

// Defaults suit a slow real API: a large page may take a server a minute
// to assemble, and a slow link may pause for a while mid-body.
const (
	DefaultConnect  = 30 * time.Second
	DefaultResponse = 2 * time.Minute
	DefaultIdle     = 2 * time.Minute
)

func (t Timeouts) withDefaults() Timeouts {
	if t.Connect <= 0 {
		t.Connect = DefaultConnect
	}
	if t.Response <= 0 {
		t.Response = DefaultResponse
	}
	if t.Idle <= 0 {
		t.Idle = DefaultIdle
	}
	return t
}

// TimeoutError says which timeout ended a request. It is a net.Error with
// Timeout() true: the same request may well succeed when tried again.
type TimeoutError struct {
	Phase string        // "connect", "TLS handshake", "response", "idle body"
	Limit time.Duration // the timeout that fired
	URL   string        // redacted; set for body reads, which net/http does not wrap in a url.Error
	Err   error
}

func (e *TimeoutError) Error() string {
	var what string
	switch e.Phase {
	case PhaseConnect:
		what = fmt.Sprintf("no connection within %s (connect timeout)", e.Limit)
	case PhaseTLS:
		what = fmt.Sprintf("no TLS handshake within %s (connect timeout)", e.Limit)
	case PhaseResponse:
		what = fmt.Sprintf("no response headers within %s (response timeout)", e.Limit)
	case PhaseIdle:
		what = fmt.Sprintf("the response body stalled: no data for %s (idle timeout)", e.Limit)
	default:
		what = fmt.Sprintf("%s timeout after %s", e.Phase, e.Limit)
	}
	if e.URL != "" {
		return e.URL + ": " + what
	}
	return what
}

func (e *TimeoutError) Unwrap() error   { return e.Err }
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }

// Phases of TimeoutError.
const (
	PhaseConnect  = "connect"
	PhaseTLS      = "TLS handshake"
	PhaseResponse = "response"
	PhaseIdle     = "idle body"
)

// Transport is an http.RoundTripper with every phase of a request bounded
// by Timeouts. It never adds credentials.
type Transport struct {
	t    Timeouts
	base *http.Transport
}

// NewTransport returns a Transport with the settings of
// http.DefaultTransport (proxies from the environment, HTTP/2, keep-alive)
// and the timeouts t.
func NewTransport(t Timeouts) *Transport {
	t = t.withDefaults()
	base := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		var ne net.Error
		if err != nil && ctx.Err() == nil && errors.As(err, &ne) && ne.Timeout() {
			return nil, &TimeoutError{Phase: PhaseConnect, Limit: t.Connect, Err: err}
		}
		return c, err
	}
	base.TLSHandshakeTimeout = t.Connect
	base.ResponseHeaderTimeout = t.Response
	return &Transport{t: t, base: base}
}

// Timeouts are the transport's timeouts, defaults filled in.
func (tr *Transport) Timeouts() Timeouts { return tr.t }

// CloseIdleConnections closes the pooled connections.
func (tr *Transport) CloseIdleConnections() { tr.base.CloseIdleConnections() }

func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	resp, err := tr.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, tr.classify(err)
	}
	b := &idleBody{rc: resp.Body, ctx: ctx, cancel: cancel, limit: tr.t.Idle,
		method: req.Method, url: Redact(req.URL.String())}
	b.timer = time.AfterFunc(time.Hour, func() { cancel(errIdle) })
	b.timer.Stop()
	resp.Body = b
	return resp, nil
}

// classify names the timeout behind an error of net/http, whose own
// messages for these are terse ("net/http: TLS handshake timeout").
func (tr *Transport) classify(err error) error {
	var te *TimeoutError
	if errors.As(err, &te) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "TLS handshake timeout"):
		return &TimeoutError{Phase: PhaseTLS, Limit: tr.t.Connect, Err: err}
	case strings.Contains(msg, "timeout awaiting response headers"):
		return &TimeoutError{Phase: PhaseResponse, Limit: tr.t.Response, Err: err}
	}
	return err
}

var errIdle = errors.New("idle timeout")

// idleBody fails a Read that brings no data within limit, by cancelling
// the request's context: a deadline on the connection is out of reach
// behind http.Transport.
type idleBody struct {
	rc          io.ReadCloser
	ctx         context.Context
	cancel      context.CancelCauseFunc
	limit       time.Duration
	method, url string

	mu    sync.Mutex // one Read at a time owns the timer
	timer *time.Timer
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(p) == 0 {
		return b.rc.Read(p)
	}
	b.timer.Reset(b.limit)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && !errors.Is(err, io.EOF) && errors.Is(context.Cause(b.ctx), errIdle) {
		return n, &TimeoutError{Phase: PhaseIdle, Limit: b.limit, URL: b.method + " " + b.url, Err: err}
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}
