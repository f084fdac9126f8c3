package fitbit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/providers/fitbit"
	"github.com/upexport/upexport/schema"
)

// row is one flattened row, by column name: int64 (timestamps as time.Time
// in UTC), float64, bool, string, or nil for null.
type row map[string]any

// flatten runs raw items through every table of endpoint, strictly (a
// field no table declares fails), and returns the rows by table.
func flatten(t *testing.T, endpoint string, items ...json.RawMessage) map[string][]row {
	t.Helper()
	cat := fitbit.Catalog()
	out := map[string][]row{}
	emit := func(b *schema.Batch) error {
		for i := range b.Len {
			r := row{}
			for c, col := range b.Table.Columns {
				v := b.Cols[c]
				if !v.Valid[i] {
					r[col.Name] = nil
					continue
				}
				switch col.Type {
				case schema.Timestamp:
					r[col.Name] = time.UnixMicro(v.Ints[i]).UTC()
				case schema.Date: // as YYYYMMDD, as the items say it
					y, m, d := time.Unix(v.Ints[i]*86400, 0).UTC().Date()
					r[col.Name] = int64(y)*10000 + int64(m)*100 + int64(d)
				case schema.Int64:
					r[col.Name] = v.Ints[i]
				case schema.Float64:
					r[col.Name] = v.Floats[i]
				case schema.Bool:
					r[col.Name] = v.Bools[i]
				case schema.String:
					r[col.Name] = v.Strs[i]
				}
			}
			out[b.Table.Name] = append(out[b.Table.Name], r)
		}
		return nil
	}
	f, err := cat.NewFlattener(endpoint, "7QXK2P", cat.Tables(endpoint), schema.Options{StrictSchema: true}, emit)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := f.Item(it); err != nil {
			t.Fatalf("%s: %v (item %.200s)", endpoint, err, it)
		}
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// check compares the named cells of rows[i] with want.
func check(t *testing.T, table string, rows []row, i int, want row) {
	t.Helper()
	if i >= len(rows) {
		t.Errorf("%s: no row %d (%d rows)", table, i, len(rows))
		return
	}
	for k, w := range want {
		got, ok := rows[i][k]
		if !ok {
			t.Errorf("%s[%d] has no column %s", table, i, k)
			continue
		}
		if gt, ok := got.(time.Time); ok {
			if wt, ok := w.(time.Time); ok && gt.Equal(wt) {
				continue
			}
		} else if got == w {
			continue
		}
		t.Errorf("%s[%d].%s = %v, want %v", table, i, k, got, w)
	}
}

// sampleFile reads a response of testdata/providers/fitbit.
func sampleFile(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "providers", "fitbit", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sampleServer answers Fitbit's routes with the recorded samples (any
// dates; a route without a sample is an empty list) and records the
// requests.
type sampleServer struct {
	t      testing.TB
	routes map[*regexp.Regexp]string
	body   string // answers a route without a sample, when set
	mu     sync.Mutex
	reqs   []*http.Request
}

func newSampleServer(t testing.TB, routes map[string]string) (*sampleServer, *fetch.Client) {
	s := &sampleServer{t: t, routes: map[*regexp.Regexp]string{}}
	for re, file := range routes {
		s.routes[regexp.MustCompile("^"+re+"$")] = file
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := fetch.NewClient(fetch.Options{HTTPClient: hs.Client(), APIURL: hs.URL, Envelope: fitbit.New().API.Envelope,
		Header: fitbit.New().API.Header, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func (s *sampleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
	for re, file := range s.routes {
		if re.MatchString(r.URL.Path) {
			w.Write(sampleFile(s.t, file))
			return
		}
	}
	if s.body != "" {
		w.Write([]byte(s.body))
		return
	}
	w.WriteHeader(http.StatusNotFound)
	w.Write(sampleFile(s.t, "error_insufficient_scope.json"))
}

// read reads a resource of a fresh provider through its paginator.
func read(t *testing.T, c *fetch.Client, name string, w fetch.Window) []json.RawMessage {
	t.Helper()
	res, ok := fitbit.New().Lookup(name)
	if !ok {
		t.Fatalf("no resource %s", name)
	}
	r := fetch.Read{Endpoint: name, Path: res.Path, Window: w}
	if res.Query != nil {
		r.Query = res.Query(w)
	}
	var items []json.RawMessage
	err := res.Paginator.Paginate(context.Background(), c, r, func(pg fetch.Page) error {
		items = append(items, pg.Items...)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return items
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// paths are the request paths s was asked, in order.
func (s *sampleServer) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.reqs {
		out = append(out, r.URL.Path)
	}
	return out
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
