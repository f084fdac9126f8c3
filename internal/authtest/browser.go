// Package authtest has test helpers for logins against the demo server: a
// headless "browser" that follows an authorization URL and answers the
// consent form, and a demo server wired up as an auth.Server.
package authtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Browse plays a person at a browser: it GETs u, follows redirects, and
// submits each HTML form it lands on with the submit button whose value is
// decision ("approve" or "deny"). It stops on a page without a form (the
// loopback listener's result page) and fails on an HTTP error status.
func Browse(ctx context.Context, u, decision string) error {
	return BrowseWith(ctx, &http.Client{}, u, decision)
}

// BrowseWith is Browse with the given client (it gets a cookie jar if it
// has none).
func BrowseWith(ctx context.Context, hc *http.Client, u, decision string) error {
	if hc.Jar == nil {
		hc.Jar, _ = cookiejar.New(nil)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	for range 5 {
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			return fmt.Errorf("browser: %s: HTTP %d: %s", resp.Request.URL.Path, resp.StatusCode, body)
		}
		action, form, ok := parseForm(string(body), decision)
		if !ok {
			return nil
		}
		target, err := resp.Request.URL.Parse(action)
		if err != nil {
			return err
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return errors.New("browser: too many forms")
}

// parseForm finds the first POST form and the values a browser would send
// when the button with value decision is pressed.
func parseForm(page, decision string) (action string, v url.Values, ok bool) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", nil, false
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if form != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "form" && strings.EqualFold(attr(n, "method"), "post") {
			form = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		return "", nil, false
	}
	v = url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := attr(n, "name")
			switch n.Data {
			case "input":
				if name != "" && attr(n, "type") != "submit" {
					v.Set(name, attr(n, "value"))
				}
			case "button":
				if name != "" && attr(n, "value") == decision {
					v.Set(name, decision)
				}
			case "select":
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.Data == "option" && (!v.Has(name) || hasAttr(c, "selected")) {
						v.Set(name, attr(c, "value"))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return attr(form, "action"), v, true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
