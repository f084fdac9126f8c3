package fetch

import (
	"net/http"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/safehttp"
)

// FuzzRetryAfter: any header value parses to a wait that is not negative,
// or to none; delay seconds mean that many seconds.
func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"0", "1", "120", "3600", "-1", "+5", " 7", "1.5", "soon", "",
		"9223372036", "9223372037", "99999999999999999999",
		now.Add(90 * time.Second).Format(http.TimeFormat),
		now.Add(-time.Hour).Format(http.TimeFormat),
		"Wed, 21 Oct 2015 07:28:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("retryAfter(%q) = %v without ok", v, d)
			}
			return
		}
		if d < 0 {
			t.Fatalf("retryAfter(%q) = %v, negative", v, d)
		}
	})
}

// FuzzResolveNext: whatever a server puts in links.next, the URL the
// client would request is on the API's origin, also after the round trip
// through its string form that http.NewRequest makes.
func FuzzResolveNext(f *testing.F) {
	for _, s := range []string{
		"/nudge/api/v.1.1/users/U1/moves?page_token=1427400000&limit=10",
		"users/@me/moves?page_token=2",
		"https://jawbone.com/nudge/api/v.1.1/users/U1/moves?page_token=3",
		"https://jawbone.com:443/nudge/api/v.1.1/users/U1/moves",
		"http://jawbone.com/nudge/api/v.1.1/users/U1/moves",
		"//evil.example/steal", "https://evil.example/steal", "https://jawbone.com@evil.example/x",
		"https://evil.example\\@jawbone.com/x", "/\\evil.example/x", "\\\\evil.example/x", "https:evil.example",
		"https://JAWBONE.com/x", "https://jawbone.com./x", "https://[::1]/x", "../../../../x", "?page_token=4",
		"#frag", "", "%2F%2Fevil.example", "https://jawbone.com%2F@evil.example/", "javascript:alert(1)",
		"https://user:pw@jawbone.com/x", " https://evil.example", "https://evil.example%00.jawbone.com/",
	} {
		f.Add(s)
	}
	base := "https://jawbone.com/nudge/api/v.1.1"
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: http.DefaultClient, APIURL: base})
	if err != nil {
		f.Fatal(err)
	}
	origin := safehttp.Origin(c.base)
	f.Fuzz(func(t *testing.T, ref string) {
		u, err := c.resolve(ref)
		if err != nil {
			return
		}
		if got := safehttp.Origin(u); got != origin {
			t.Fatalf("resolve(%q) = %s: origin %s", ref, u, got)
		}
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return // no request is sent
		}
		if got := safehttp.Origin(req.URL); got != origin {
			t.Fatalf("resolve(%q) = %s, requested as %s: origin %s", ref, u, req.URL, got)
		}
		if req.URL.Host != c.base.Host {
			t.Fatalf("resolve(%q): request host %q", ref, req.URL.Host)
		}
	})
}
