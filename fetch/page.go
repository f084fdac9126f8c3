package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/upexport/upexport/fetch/safehttp"
)

// Page is one page of a collection.
type Page struct {
	Number  int    // 1-based
	URL     string // without a password, for messages
	UserXID string // meta.user_xid
	Items   []json.RawMessage
}

// collection is data of a Collection page (reference §3). size is never
// trusted: hand-trimmed and real pages disagree with it.
type collection struct {
	Items []json.RawMessage `json:"items"`
	Links *struct {
		Next string `json:"next"`
	} `json:"links"`
}

// Pages reads a collection from its first page to the last, following
// data.links.next as an opaque link until links is absent, and hands each
// page to fn in order. It stops with an error on a next link already seen
// (a server that loops) or past MaxPages.
func (c *Client) Pages(ctx context.Context, endpoint, path string, query url.Values, fn func(Page) error) error {
	u, err := c.resolve(path)
	if err != nil {
		return fmt.Errorf("%s: %w", endpoint, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	seen := map[string]bool{}
	for n := 1; ; n++ {
		if n > c.opts.MaxPages {
			return &PageError{Endpoint: endpoint, Page: n, URL: redacted(u),
				Err: fmt.Errorf("more than %d pages (raise --max-pages if the account is really that large)", c.opts.MaxPages)}
		}
		key := canonical(u)
		if seen[key] {
			return &PageError{Endpoint: endpoint, Page: n, URL: redacted(u),
				Err: fmt.Errorf("the server's next link repeats an earlier page: it would loop forever")}
		}
		seen[key] = true

		data, xid, err := c.get(ctx, endpoint, u)
		if err != nil {
			return &PageError{Endpoint: endpoint, Page: n, URL: redacted(u), Err: err}
		}
		var col collection
		if err := json.Unmarshal(data, &col); err != nil {
			return &PageError{Endpoint: endpoint, Page: n, URL: redacted(u),
				Err: fmt.Errorf("data is not a collection: %w", err)}
		}
		if err := fn(Page{Number: n, URL: redacted(u), UserXID: xid, Items: col.Items}); err != nil {
			return err
		}
		if col.Links == nil || col.Links.Next == "" {
			return nil
		}
		next, err := c.resolve(col.Links.Next)
		if err != nil {
			return &PageError{Endpoint: endpoint, Page: n, URL: redacted(u), Err: err}
		}
		u = next
	}
}

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
