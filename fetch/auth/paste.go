package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// readPasted reads lines from r until one is a redirect URL that check
// accepts. It is the way home when the browser cannot reach the listener (an
// SSH session): the user copies the address the browser ended on. Rejected
// lines get a hint on out and reading goes on.
//
// A read from a terminal cannot be interrupted, so after the login ends the
// goroutine running this may stay blocked until the next line or EOF; it then
// sees ctx is done and returns.
func readPasted(ctx context.Context, r io.Reader, out io.Writer, check func(url.Values, bool) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, err := pastedQuery(line)
		if err == nil {
			err = check(q, false)
		}
		if err == nil {
			return nil
		}
		fmt.Fprintf(out, "That was not accepted: %s.\nPaste the whole address the browser shows after you approved (it starts with http://127.0.0.1 or http://localhost), then press Enter.\n",
			strings.TrimPrefix(err.Error(), errRejected.Error()+": "))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the pasted URL: %w", err)
	}
	return io.EOF
}

// pastedQuery accepts the full redirect URL and, forgivingly, just its
// query string.
func pastedQuery(s string) (url.Values, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	if u.Scheme != "" && u.Path != callbackPath {
		return nil, fmt.Errorf("not the callback address (path %q, expected %q)", clean(u.Path, 80), callbackPath)
	}
	raw := u.RawQuery
	if u.Scheme == "" && u.RawQuery == "" {
		raw = strings.TrimPrefix(s, "?")
	}
	q, err := url.ParseQuery(raw)
	if err != nil || (!q.Has("state") && !q.Has("code") && !q.Has("error")) {
		return nil, errors.New("no code or state in it")
	}
	return q, nil
}
