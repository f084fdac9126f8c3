package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// pagedServer serves 10 items (1..10) at /api/items, paged by the style
// named in the request's path, and records every query it was asked.
type pagedServer struct {
	mu      sync.Mutex
	queries []string
	paths   []string
	headers []http.Header
}

func (s *pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.RawQuery)
	s.paths = append(s.paths, r.URL.Path)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	q := r.URL.Query()
	items := func(from, to int) string {
		var b []string
		for i := from; i <= min(to, 10); i++ {
			b = append(b, fmt.Sprintf(`{"id":%d}`, i))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	const size = 4
	switch r.URL.Path {
	case "/api/token": // {data, next_token}
		from := 1
		if t := q.Get("next_token"); t != "" {
			from, _ = strconv.Atoi(strings.TrimPrefix(t, "t"))
		}
		next := "null"
		if from+size <= 10 {
			next = fmt.Sprintf(`"t%d"`, from+size)
		}
		fmt.Fprintf(w, `{"data":%s,"next_token":%s}`, items(from, from+size-1), next)
	case "/api/offset": // {status, body: {groups, more, offset}}; more false comes with an offset
		off, _ := strconv.Atoi(q.Get("offset"))
		more := off+size < 10
		fmt.Fprintf(w, `{"status":0,"body":{"groups":%s,"more":%t,"offset":%d}}`, items(off+1, off+size), more, off+size)
	case "/api/offset-int": // more as 0/1, no offset: the client counts
		off, _ := strconv.Atoi(q.Get("offset"))
		more := 0
		if off+size < 10 {
			more = 1
		}
		fmt.Fprintf(w, `{"status":0,"body":{"groups":%s,"more":%d}}`, items(off+1, off+size), more)
	case "/api/pages": // page=N from 1; an empty page ends
		n, _ := strconv.Atoi(q.Get("page"))
		fmt.Fprintf(w, `{"results":%s}`, items((n-1)*size+1, n*size))
	case "/api/link": // {items, links: {next}}
		from, _ := strconv.Atoi(q.Get("from"))
		from = max(from, 1)
		next := ""
		if from+size <= 10 {
			next = fmt.Sprintf(`,"links":{"next":"/api/link?from=%d"}`, from+size)
		}
		fmt.Fprintf(w, `{"items":%s%s}`, items(from, from+size-1), next)
	case "/api/loop-token": // the same token forever
		fmt.Fprint(w, `{"data":[{"id":1}],"next_token":"same"}`)
	case "/api/loop-offset": // more, and the same offset forever
		fmt.Fprint(w, `{"status":0,"body":{"groups":[{"id":1}],"more":true,"offset":4}}`)
	case "/api/day": // one item per day, 404 on odd days
		d := q.Get("date")
		if n, _ := strconv.Atoi(d[len(d)-1:]); n%2 == 1 {
			http.Error(w, `{"error":"not_found"}`, http.StatusNotFound)
			return
		}
		fmt.Fprintf(w, `{"day":%q}`, d)
	case "/api/day/2024-01-01/1d.json", "/api/day/2024-01-02/1d.json": // the day in the path
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	case "/api/window": // one item per window, naming it
		fmt.Fprintf(w, `{"items":[{"start":%q,"end":%q}]}`, q.Get("startdate"), q.Get("enddate"))
	default:
		http.NotFound(w, r)
	}
}

func newPagedClient(t *testing.T, env Envelope) (*Client, *pagedServer) {
	t.Helper()
	ps := &pagedServer{}
	srv := httptest.NewServer(ps)
	t.Cleanup(srv.Close)
	c, err := NewClient(Options{HTTPClient: srv.Client(), APIURL: srv.URL + "/api", Envelope: env, Retries: -1, MaxPages: 50})
	if err != nil {
		t.Fatal(err)
	}
	return c, ps
}

func readAll(t *testing.T, c *Client, p Paginator, r Read) ([]string, error) {
	t.Helper()
	var got []string
	last := 0
	err := p.Paginate(context.Background(), c, r, func(pg Page) error {
		if pg.Number <= last {
			t.Errorf("page %d after page %d", pg.Number, last)
		}
		last = pg.Number
		for _, it := range pg.Items {
			got = append(got, string(it))
		}
		return nil
	})
	return got, err
}

func TestPaginatorsReadEveryItemOnce(t *testing.T) {
	bodyEnv := Envelope{Data: "body", Code: "status", OK: []int{0}}
	tests := []struct {
		name string
		env  Envelope
		p    Paginator
		path string
	}{
		{"next link", Envelope{}, &NextLink{Items: "items", Next: "links.next"}, "link"},
		{"token", Envelope{}, &Token{Items: "data", Next: "next_token", Param: "next_token"}, "token"},
		{"offset and more", bodyEnv, &Offset{Items: "groups", More: "more", Offset: "offset", Param: "offset"}, "offset"},
		{"offset counted", bodyEnv, &Offset{Items: "groups", More: "more", Offset: "offset", Param: "offset"}, "offset-int"},
		{"page numbers", Envelope{}, &PageNumber{Items: "results", Param: "page", First: 1}, "pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newPagedClient(t, tt.env)
			got, err := readAll(t, c, tt.p, Read{Endpoint: "items", Path: tt.path})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := 1; i <= 10; i++ {
				want = append(want, fmt.Sprintf(`{"id":%d}`, i))
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("items = %v, want %v", got, want)
			}
		})
	}
}

func TestPaginatorsRefuseALoop(t *testing.T) {
	bodyEnv := Envelope{Data: "body", Code: "status", OK: []int{0}}
	for _, tt := range []struct {
		name string
		env  Envelope
		p    Paginator
		path string
	}{
		{"token", Envelope{}, &Token{Items: "data", Next: "next_token", Param: "next_token"}, "loop-token"},
		{"offset", bodyEnv, &Offset{Items: "groups", More: "more", Offset: "offset", Param: "offset"}, "loop-offset"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newPagedClient(t, tt.env)
			_, err := readAll(t, c, tt.p, Read{Endpoint: "items", Path: tt.path})
			if err == nil || !strings.Contains(err.Error(), "repeats an earlier page") {
				t.Fatalf("err = %v, want a loop error", err)
			}
		})
	}
}

func TestSingle(t *testing.T) {
	c, _ := newPagedClient(t, Envelope{})
	got, err := readAll(t, c, &Single{}, Read{Endpoint: "one", Path: "token"})
	if err != nil || len(got) != 1 || !strings.HasPrefix(got[0], `{"data":[`) {
		t.Fatalf("Single = %v, %v", got, err)
	}
	got, err = readAll(t, c, &Single{Items: "data"}, Read{Endpoint: "one", Path: "token"})
	if err != nil || len(got) != 4 {
		t.Fatalf("Single{Items} = %v, %v", got, err)
	}
}

func TestPerDay(t *testing.T) {
	c, ps := newPagedClient(t, Envelope{})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	units := &memUnits{m: map[string][]byte{"20240104": []byte(`[{"kept":true}]`)}}
	r := Read{Endpoint: "days", Path: "day", Units: units,
		Window: Window{Since: day("2024-01-01"), Until: day("2024-01-06")}}
	p := &PerDay{Param: "date", Format: "20060102", NotFoundIsEmpty: true}
	got, err := readAll(t, c, p, r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"day":"20240102"} {"kept":true} {"day":"20240106"}`
	if strings.Join(got, " ") != want {
		t.Fatalf("items = %v, want %s", got, want)
	}
	if len(ps.queries) != 5 {
		t.Errorf("asked %d days, want 5 (one was journaled): %v", len(ps.queries), ps.queries)
	}
	if string(units.m["20240103"]) != "[]" || string(units.m["20240106"]) != `[{"day":"20240106"}]` {
		t.Errorf("journal = %q", units.m)
	}
	// An incremental run asks again from Lookback before the last day.
	ps.queries = nil
	r.Units = nil
	r.Window.Prev.LastDate = 20240105
	p.Lookback = 48 * time.Hour
	if _, err := readAll(t, c, p, r); err != nil {
		t.Fatal(err)
	}
	if len(ps.queries) != 4 {
		t.Errorf("incremental asked %v, want 2024-01-03 to 06", ps.queries)
	}
	// Without Since, the days the dependencies found.
	ps.queries = nil
	r.Window = Window{Days: []string{"20240102", "20240108"}}
	got, err = readAll(t, c, p, r)
	if err != nil || len(got) != 2 || len(ps.queries) != 2 {
		t.Fatalf("dependency days: %v, %v, asked %v", got, err, ps.queries)
	}
}

func TestPerDayInPath(t *testing.T) {
	c, ps := newPagedClient(t, Envelope{})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	r := Read{Endpoint: "days", Path: "day/{date}/1d.json",
		Window: Window{Since: day("2024-01-01"), Until: day("2024-01-02")}}
	if _, err := readAll(t, c, &PerDay{Param: "date", Format: time.DateOnly, NotFoundIsEmpty: true}, r); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ps.paths)
	if want := []string{"/api/day/2024-01-01/1d.json", "/api/day/2024-01-02/1d.json"}; !slices.Equal(ps.paths, want) {
		t.Errorf("paths = %v, want %v", ps.paths, want)
	}
	for _, q := range ps.queries {
		if q != "" {
			t.Errorf("the day went into the query too: %q", q)
		}
	}
}

func TestOptionsHeader(t *testing.T) {
	ps := &pagedServer{}
	srv := httptest.NewServer(ps)
	t.Cleanup(srv.Close)
	c, err := NewClient(Options{HTTPClient: srv.Client(), APIURL: srv.URL + "/api", Retries: -1,
		Header: http.Header{"Accept-Language": {"metric"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, c, &Single{}, Read{Endpoint: "one", Path: "day/2024-01-01/1d.json"}); err != nil {
		t.Fatal(err)
	}
	if len(ps.headers) != 1 || ps.headers[0].Get("Accept-Language") != "metric" || ps.headers[0].Get("Accept") != "application/json" {
		t.Errorf("headers sent = %v, want Accept-Language: metric beside Accept", ps.headers)
	}
}

type memUnits struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (u *memUnits) Get(k string) ([]byte, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	b, ok := u.m[k]
	return b, ok
}

func (u *memUnits) Put(k string, b []byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.m[k] = b
	return nil
}

func TestDateWindows(t *testing.T) {
	c, _ := newPagedClient(t, Envelope{})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	p := &DateWindows{Inner: &Single{Items: "items"}, StartParam: "startdate", EndParam: "enddate",
		Format: time.DateOnly, Span: 30 * 24 * time.Hour, EndInclusiveLastDay: true}
	got, err := readAll(t, c, p, Read{Endpoint: "w", Path: "window",
		Window: Window{Since: day("2024-01-01"), Until: day("2024-03-15")}})
	if err != nil {
		t.Fatal(err)
	}
	// 75 days in windows of 30, newest first, none overlapping.
	want := []string{
		`{"start":"2024-02-15","end":"2024-03-15"}`,
		`{"start":"2024-01-16","end":"2024-02-14"}`,
		`{"start":"2024-01-01","end":"2024-01-15"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("windows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p.Format, p.EndInclusiveLastDay, p.Span = "unix", false, 24*time.Hour
	got, err = readAll(t, c, p, Read{Endpoint: "w", Path: "window",
		Window: Window{Since: day("2024-01-01"), Until: day("2024-01-02")}})
	if err != nil {
		t.Fatal(err)
	}
	var w struct{ Start, End string }
	json.Unmarshal([]byte(got[1]), &w)
	if len(got) != 2 || w.Start != "1704067200" || w.End != "1704153600" {
		t.Fatalf("unix windows = %v", got)
	}
}
