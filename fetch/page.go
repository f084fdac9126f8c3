package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/upexport/upexport/fetch/safehttp"
)

// canonical is a URL with its query sorted, so that a next link that only
// reorders parameters is still recognised as seen.
func canonical(u *url.URL) string {
	c := *u
	c.RawQuery = c.Query().Encode()
	c.Fragment = ""
	return c.String()
}

// Get reads an endpoint that answers with a single value as data (an
// object, a list, or trends) and returns that data and meta.user_xid.
func (c *Client) Get(ctx context.Context, endpoint, path string, query url.Values) (json.RawMessage, string, error) {
	u, err := c.resolve(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", endpoint, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	data, xid, err := c.get(ctx, endpoint, u)
	if err != nil {
		return nil, "", &PageError{Endpoint: endpoint, Page: 1, URL: redacted(u), Err: err}
	}
	return data, xid, nil
}

// Compact returns item as one line of JSON, for the JSON-lines archive.
// Items a server sends pretty-printed are compacted; others are returned
// as they are, without a copy.
func Compact(item json.RawMessage) (json.RawMessage, error) {
	if bytes.IndexByte(item, '\n') < 0 && bytes.IndexByte(item, '\r') < 0 {
		return item, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, item); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// redacted is u for messages: without a password or a user name that may
// be a token.
func redacted(u *url.URL) string { return safehttp.Redact(u.String()) }
