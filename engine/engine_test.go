package engine

import (
	"context"
	"encoding/csv"
	"errors"
	"github.com/upexport/upexport/providers/jawbone"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// allReadScopes is every read scope of the reference.
var allReadScopes = []string{"basic_read", "extended_read", "location_read", "friends_read", "mood_read",
	"move_read", "sleep_read", "meal_read", "weight_read", "generic_event_read", "heartrate_read", "cardiac_read"}

type demo struct {
	srv    *upserver.Server
	http   *httptest.Server
	access string
	info   upserver.Info
}

func newDemo(t testing.TB, cfg upserver.Config, scopes []string) *demo {
	t.Helper()
	srv, err := upserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	access, _, err := srv.IssueToken(0, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return &demo{srv: srv, http: hs, access: access, info: srv.Info(hs.URL)}
}

func (d *demo) config(t testing.TB, out string, endpoints []string, ticks bool) Config {
	t.Helper()
	hc := oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: d.access}))
	c, err := fetch.NewClient(fetch.Options{Envelope: up.API.Envelope, HTTPClient: hc, APIURL: d.info.APIURL, Concurrency: 4, MaxWait: 50 * time.Millisecond, Retries: 20})
	if err != nil {
		t.Fatal(err)
	}
	eps, err := up.Select(endpoints, ticks)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Client: c, Out: out, Resources: eps, Provider: up, APIURL: d.info.APIURL, Source: "test",
		Export: export.Options{Format: export.CSV}}
}

func mustRun(t testing.TB, cfg Config) *Result {
	t.Helper()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// column reads one column of a CSV table of an export.
func column(t testing.TB, dir, table, col string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, table+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	i := slices.Index(header, col)
	if i < 0 {
		t.Fatalf("%s has no column %s (has %v)", table, col, header)
	}
	var out []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec[i])
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestEveryItemExactlyOnce compares each table's xids with the server's own
// ground truth, not with what the client saw.
func TestEveryItemExactlyOnce(t *testing.T) {
	days := 3650
	if testing.Short() {
		days = 400
	}
	d := newDemo(t, upserver.Config{Seed: 7, Days: days}, allReadScopes)
	out := filepath.Join(t.TempDir(), "export")
	res := mustRun(t, d.config(t, out, nil, false))
	for _, ep := range []string{jawbone.Moves, jawbone.Sleeps, "workouts", "heartrates", "body_events", "cardiac_events",
		"generic_events", "meals", "friends"} {
		want, err := d.srv.GroundTruth(0, ep)
		if err != nil {
			t.Fatal(err)
		}
		got := column(t, out, ep, "xid")
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%s: %d xids exported, server holds %d (or they differ)", ep, len(got), len(want))
		}
		if len(want) == 0 {
			t.Errorf("%s: the demo server holds nothing: the test proves nothing", ep)
		}
	}
	if res.Requests == 0 || len(res.Warnings) != 0 {
		t.Errorf("requests %d, warnings %v", res.Requests, res.Warnings)
	}
}

// manifestHashes maps each written file to its sha256.
func manifestHashes(t testing.TB, dir string) map[string]string {
	t.Helper()
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, tb := range m.Tables {
		for _, f := range tb.Files {
			h[f.Path] = f.SHA256
		}
	}
	return h
}

func TestFaultsDoNotChangeTheFiles(t *testing.T) {
	base := upserver.Config{Seed: 3, Days: 30}
	clean := newDemo(t, base, allReadScopes)
	cleanOut := filepath.Join(t.TempDir(), "clean")
	mustRun(t, clean.config(t, cleanOut, nil, true))

	faulty := base
	// The issue's faults: more than half of all requests fail. The fault
	// counter is shared by concurrent requests, so a request's tries land on
	// it at random; 20 retries make failing every one of them (0.54^21)
	// vanishingly rare.
	faulty.Faults = upserver.Faults{Every429: 3, Every500: 5, EveryDrop: 7}
	f := newDemo(t, faulty, allReadScopes)
	faultOut := filepath.Join(t.TempDir(), "faulty")
	res := mustRun(t, f.config(t, faultOut, nil, true))
	if res.Retries == 0 {
		t.Fatal("no retries: the faults were not exercised")
	}
	want, got := manifestHashes(t, cleanOut), manifestHashes(t, faultOut)
	if len(want) < 20 {
		t.Fatalf("only %d files", len(want))
	}
	for path, h := range want {
		if got[path] != h {
			t.Errorf("%s differs after faults", path)
		}
	}
}

func TestIncrementalEqualsFullExport(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 60}, allReadScopes)
	out := filepath.Join(t.TempDir(), "inc")
	var eps []string // every endpoint: each kind has its own incremental path
	cfg := d.config(t, out, eps, true)
	cfg.Incremental = true
	mustRun(t, cfg) // first run: nothing to merge into, fetches everything

	for _, ep := range []string{jawbone.Moves, jawbone.Sleeps, "meals"} {
		if err := d.srv.Touch(0, ep, 2, 3); err != nil {
			t.Fatal(err)
		}
	}
	before := d.srv.APIRequests()
	perBefore := map[string]int64{}
	for _, ep := range up.Resources {
		perBefore[ep.Name] = d.srv.APIRequestsFor(ep.Name)
	}
	cfg = d.config(t, out, eps, true)
	cfg.Incremental = true
	mustRun(t, cfg)
	requests := d.srv.APIRequests() - before
	// Per endpoint one page of changes (or the one object); ticks of the 5
	// new or edited moves and sleeps; details of the 5 meals; mood for the
	// last week again and the 2 new days; trends from a week back: monthly
	// buckets up to today (two requests: the data ends years ago) and at
	// most two daily windows.
	var budget int64
	for _, ep := range up.Resources {
		if ep.Incremental != provider.ByDay && ep.Incremental != provider.ByDayReplace && ep.Parent == "" {
			budget++
		}
	}
	budget += 2*5 + 5 + 10 + 4
	if requests > budget {
		for _, ep := range up.Resources {
			t.Logf("%s: %d requests", ep.Name, d.srv.APIRequestsFor(ep.Name)-perBefore[ep.Name])
		}
		t.Errorf("incremental run made %d requests: it fetched more than what changed", requests)
	}

	full := filepath.Join(t.TempDir(), "full")
	mustRun(t, d.config(t, full, eps, true))
	want, got := manifestHashes(t, full), manifestHashes(t, out)
	for path, h := range want {
		if got[path] != h {
			t.Errorf("%s: incremental result differs from a full export", path)
		}
	}
}

func TestFailedRunLeavesPreviousExport(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 1, Days: 20}, allReadScopes)
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, d.config(t, out, []string{jawbone.Moves}, false))
	want := manifestHashes(t, out)

	ctx, cancel := context.WithCancel(context.Background())
	cfg := d.config(t, out, []string{jawbone.Moves}, true)
	cfg.Observer = cancelOnPage{cancel}
	if _, err := Run(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if got := manifestHashes(t, out); len(got) != len(want) {
		t.Fatalf("previous export changed: %v", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

type cancelOnPage struct{ cancel func() }

func (cancelOnPage) Phase(string)            {}
func (cancelOnPage) Start(string)            {}
func (c cancelOnPage) Page(string, int)      { c.cancel() }
func (cancelOnPage) Fanout(string, int, int) {}
func (cancelOnPage) Skip(string, string)     {}
func (cancelOnPage) Done(string, int, error) {}

func TestRefusesADirectoryThatIsNotAnExport(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 1, Days: 5}, allReadScopes)
	out := t.TempDir()
	precious := filepath.Join(out, "thesis.docx")
	os.WriteFile(precious, []byte("years of work"), 0o644)
	_, err := Run(context.Background(), d.config(t, out, []string{jawbone.Moves}, false))
	if !errors.Is(err, ErrNotExport) {
		t.Fatalf("err %v", err)
	}
	cfg := d.config(t, out, []string{jawbone.Moves}, false)
	cfg.Force = true
	res := mustRun(t, cfg)
	if b, err := os.ReadFile(filepath.Join(res.KeptAside, "thesis.docx")); err != nil || string(b) != "years of work" {
		t.Fatalf("--force lost the directory's contents: %v", err)
	}
}

func TestScopesTheLoginLacksAreSkipped(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 1, Days: 5}, []string{"basic_read", "move_read"})
	out := filepath.Join(t.TempDir(), "out")
	res := mustRun(t, d.config(t, out, []string{jawbone.Moves, jawbone.Sleeps, "meals"}, false))
	if len(res.Warnings) != 2 || !strings.Contains(strings.Join(res.Warnings, "\n"), "skipped sleeps") {
		t.Fatalf("warnings %q", res.Warnings)
	}
	if len(column(t, out, jawbone.Moves, "xid")) == 0 {
		t.Fatal("moves not exported")
	}
}

func TestFromRawEqualsFetching(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 2, Days: 15}, allReadScopes)
	pq := filepath.Join(t.TempDir(), "pq")
	cfg := d.config(t, pq, nil, true)
	cfg.Export.Format = export.Parquet
	mustRun(t, cfg)
	direct := filepath.Join(t.TempDir(), "csv")
	mustRun(t, d.config(t, direct, nil, true))

	before := d.srv.APIRequests()
	again := filepath.Join(t.TempDir(), "again")
	mustRun(t, Config{FromRaw: pq, Out: again, Provider: up, Export: export.Options{Format: export.CSV}})
	if d.srv.APIRequests() != before {
		t.Fatal("--from-raw fetched")
	}
	want, got := manifestHashes(t, direct), manifestHashes(t, again)
	for path, h := range want {
		if got[path] != h {
			t.Errorf("%s differs", path)
		}
	}
}
