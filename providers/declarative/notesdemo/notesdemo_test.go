package notesdemo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/provider"
)

// serve starts an emulator and returns a GET function with a token for
// scopes (nil: every scope).
func serve(t *testing.T, opts provider.DemoOptions, scopes []string) (*Server, func(path string) (int, http.Header, map[string]json.RawMessage)) {
	t.Helper()
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s := d.(*Server)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	tok, _, err := s.oauth.IssueToken(s.data.account.ID, ClientID, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return s, func(path string) (int, http.Header, map[string]json.RawMessage) {
		t.Helper()
		req, _ := http.NewRequest("GET", hs.URL+APIPath+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return resp.StatusCode, resp.Header, body
	}
}

type notesPage struct {
	Notes      []note `json:"notes"`
	NextCursor string `json:"next_cursor"`
}

func TestNotesCursorAndFilters(t *testing.T) {
	s, get := serve(t, provider.DemoOptions{Seed: 7, Days: 40}, nil)
	var ids []string
	path := "/notes?limit=6"
	for pages := 0; ; pages++ {
		code, _, body := get(path)
		if code != 200 || string(body["account_id"]) != `"`+s.data.account.ID+`"` {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		var pg notesPage
		if err := json.Unmarshal(body["result"], &pg); err != nil {
			t.Fatal(err)
		}
		for _, n := range pg.Notes {
			ids = append(ids, n.ID)
		}
		if pg.NextCursor == "" {
			break
		}
		if len(pg.Notes) != 6 || pages > 20 {
			t.Fatalf("page %d: %d notes and a cursor", pages, len(pg.Notes))
		}
		path = "/notes?limit=6&cursor=" + pg.NextCursor
	}
	if len(ids) != len(s.data.notes) {
		t.Fatalf("paged %d notes of %d", len(ids), len(s.data.notes))
	}
	for i := range ids {
		if ids[i] != s.data.notes[i].ID {
			t.Fatalf("note %d is %s, want %s", i, ids[i], s.data.notes[i].ID)
		}
	}

	// updated_since keeps what changed after it.
	mid := s.data.notes[len(s.data.notes)/2].UpdatedAt
	_, _, body := get("/notes?limit=100&updated_since=" + time.Unix(mid, 0).UTC().Format(time.RFC3339))
	var pg notesPage
	json.Unmarshal(body["result"], &pg)
	want := 0
	for _, n := range s.data.notes {
		if n.UpdatedAt > mid {
			want++
		}
	}
	if len(pg.Notes) != want || want == 0 {
		t.Errorf("updated_since: %d notes, want %d", len(pg.Notes), want)
	}
	for _, n := range pg.Notes {
		if n.UpdatedAt <= mid {
			t.Errorf("%s updated at %d, not after %d", n.ID, n.UpdatedAt, mid)
		}
	}
	day := time.Unix(s.data.notes[0].CreatedAt, 0).UTC().Format(time.DateOnly)
	_, _, body = get("/notes?limit=100&created_after=" + day + "&created_before=" + day)
	json.Unmarshal(body["result"], &pg)
	if len(pg.Notes) == 0 {
		t.Errorf("no note written on %s", day)
	}
	for _, n := range pg.Notes {
		if d := time.Unix(n.CreatedAt, 0).UTC().Format(time.DateOnly); d != day {
			t.Errorf("%s written on %s, asked for %s", n.ID, d, day)
		}
	}
}

func TestCommentsPages(t *testing.T) {
	s, get := serve(t, provider.DemoOptions{Seed: 3}, nil)
	var id string
	for _, n := range s.data.notes {
		if len(s.data.comments[n.ID]) >= 3 {
			id = n.ID
			break
		}
	}
	if id == "" {
		t.Fatal("no note with 3 comments")
	}
	total := 0
	for page := 1; ; page++ {
		_, _, body := get("/notes/" + id + "/comments?per_page=2&page=" + strconv.Itoa(page))
		var r struct{ Comments []comment }
		json.Unmarshal(body["result"], &r)
		if len(r.Comments) == 0 {
			break
		}
		total += len(r.Comments)
	}
	if total != len(s.data.comments[id]) {
		t.Errorf("%d comments paged, %d served", total, len(s.data.comments[id]))
	}
}

func TestErrors(t *testing.T) {
	_, get := serve(t, provider.DemoOptions{Seed: 1, Quota: provider.Quota{Limit: 1, Window: time.Hour}}, []string{"profile"})
	for _, c := range []struct {
		path string
		code int
		kind string
	}{
		{"/notes", http.StatusForbidden, "insufficient_scope"},
		{"/me", http.StatusOK, ""},
		{"/nothing", http.StatusNotFound, "not_found"},
		{"/me", http.StatusTooManyRequests, "rate_limited"},
	} {
		code, h, body := get(c.path)
		if code != c.code || (c.kind != "" && !strings.Contains(string(body["error"]), `"type":"`+c.kind+`"`)) {
			t.Errorf("%s: %d %s, want %d %s", c.path, code, body, c.code, c.kind)
		}
		if code == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	_, get = serve(t, provider.DemoOptions{Seed: 1}, nil)
	for _, path := range []string{"/notes?cursor=abc", "/notes?limit=0", "/notes?updated_since=yesterday", "/notes?order=title", "/notes/nope/comments"} {
		if code, _, body := get(path); code/100 != 4 || !strings.Contains(string(body["error"]), `"status":`) {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
}

func TestSameSeedSameData(t *testing.T) {
	now := time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)
	a, _ := json.Marshal(generate(5, 30, now).notes)
	b, _ := json.Marshal(generate(5, 30, now.Add(5*time.Hour)).notes)
	c, _ := json.Marshal(generate(6, 30, now).notes)
	if string(a) != string(b) || string(a) == string(c) {
		t.Error("the data is not a function of the seed and the day")
	}
}
