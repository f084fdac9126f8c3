package auth

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// tokenHooks adapts the requests to and answers of a token endpoint that
// is not quite RFC 6749: parameters it wants beside the standard ones,
// and an answer wrapped in an envelope of its own. golang.org/x/oauth2
// builds the requests and reads the answers; this sits between.
type tokenHooks struct {
	base     http.RoundTripper
	tokenURL string
	params   url.Values
	rewrite  func(status int, body []byte) (int, []byte, error)
}

// maxTokenBody bounds a token answer read for rewriting.
const maxTokenBody = 1 << 20

func (h *tokenHooks) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !sameEndpoint(req.URL, h.tokenURL) {
		return h.base.RoundTrip(req)
	}
	if len(h.params) > 0 && req.Body != nil {
		body, err := io.ReadAll(io.LimitReader(req.Body, maxTokenBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("token request: %w", err)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("token request: %w", err)
		}
		for k, vs := range h.params {
			if _, set := form[k]; !set {
				form[k] = vs
			}
		}
		enc := form.Encode()
		r2 := req.Clone(req.Context())
		r2.Body = io.NopCloser(strings.NewReader(enc))
		r2.ContentLength = int64(len(enc))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
		req = r2
	}
	resp, err := h.base.RoundTrip(req)
	if err != nil || h.rewrite == nil {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("token answer: %w", err)
	}
	if len(body) > maxTokenBody {
		return nil, fmt.Errorf("token answer larger than %d bytes", maxTokenBody)
	}
	status, body, err := h.rewrite(resp.StatusCode, body)
	if err != nil {
		return nil, fmt.Errorf("token answer: %w", err)
	}
	resp.StatusCode = status
	resp.Status = strconv.Itoa(status) + " " + http.StatusText(status)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header = resp.Header.Clone()
	resp.Header.Set("Content-Type", "application/json")
	resp.Header.Del("Content-Length")
	return resp, nil
}

// sameEndpoint reports whether u is the endpoint at raw (scheme, host and
// path; the query may differ).
func sameEndpoint(u *url.URL, raw string) bool {
	t, err := url.Parse(raw)
	return err == nil && strings.EqualFold(u.Scheme, t.Scheme) && strings.EqualFold(u.Host, t.Host) &&
		strings.TrimRight(u.Path, "/") == strings.TrimRight(t.Path, "/")
}
