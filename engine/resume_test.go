package engine

import (
	"bytes"
	"context"
	"errors"
	"github.com/upexport/upexport/providers/jawbone"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// countingDemo is a demo server that counts the API requests it answers
// and can cancel a run after a given number of them, as a kill would.
type countingDemo struct {
	*demo
	requests atomic.Int64
	mu       sync.Mutex
	stopAt   int64
	stop     func()
}

func newCountingDemo(t *testing.T, cfg upserver.Config) *countingDemo {
	d := newDemo(t, cfg, allReadScopes)
	c := &countingDemo{demo: d}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := c.requests.Add(1)
		c.mu.Lock()
		if c.stop != nil && n >= c.stopAt {
			c.stop()
		}
		c.mu.Unlock()
		d.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	d.info = d.srv.Info(hs.URL)
	return c
}

// run exports into out, cancelled after stopAt requests (0: never), and
// returns how many requests it made.
func (c *countingDemo) run(t *testing.T, out string, stopAt int64) (int64, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.requests.Store(0)
	c.mu.Lock()
	c.stopAt, c.stop = stopAt, nil
	if stopAt > 0 {
		c.stop = cancel
	}
	c.mu.Unlock()
	_, err := Run(ctx, c.config(t, out, nil, true))
	return c.requests.Load(), err
}

// csvFiles reads every CSV table of an export.
func csvFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CSV tables in %s (%v)", dir, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

func sameCSV(t *testing.T, want map[string][]byte, dir string) {
	t.Helper()
	got := csvFiles(t, dir)
	if len(got) != len(want) {
		t.Errorf("%d tables, want %d", len(got), len(want))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from the uninterrupted export (%d bytes, want %d)", name, len(got[name]), len(w))
		}
	}
}

// TestResumeAfterInterruption stops a 150-day --ticks export (1,096 requests) after a share
// of the requests a clean run makes, then runs it again: the resumed
// export equals the clean one, byte for byte, and the two runs together
// ask little more than the clean one did.
func TestResumeAfterInterruption(t *testing.T) {
	d := newCountingDemo(t, upserver.Config{Seed: 5, Days: 150})
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean")
	total, err := d.run(t, clean, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := csvFiles(t, clean)
	shares := []int64{5, 20, 40, 60, 80, 95, 99}
	if testing.Short() {
		shares = []int64{20, 80}
	}
	for _, share := range shares {
		out := filepath.Join(dir, "out", "s"+string(rune('a'+share%26))+strings.Repeat("x", int(share/26)))
		stopAt := total * share / 100
		first, err := d.run(t, out, stopAt)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped at %d of %d requests: %v", stopAt, total, err)
		}
		if _, err := os.Stat(partialDir(out)); err != nil {
			t.Fatalf("no partial run left: %v", err)
		}
		second, err := d.run(t, out, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("stopped at %d%%: %d + %d requests, a clean run %d (%.3fx)", share, first, second, total,
			float64(first+second)/float64(total))
		if float64(first+second) > 1.05*float64(total) {
			t.Errorf("stopped at %d%%: %d + %d requests, more than 1.05 x %d", share, first, second, total)
		}
		sameCSV(t, want, out)
		if _, err := os.Stat(partialDir(out)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the finished run left its partial directory: %v", err)
		}
	}
}

// TestResumeManyInterruptions stops the same export again and again, and
// tears the end of every journal after each stop, as a crash in the middle
// of a write would.
func TestResumeManyInterruptions(t *testing.T) {
	d := newCountingDemo(t, upserver.Config{Seed: 6, Days: 120})
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean")
	total, err := d.run(t, clean, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var sum int64
	for i := 0; ; i++ {
		n, err := d.run(t, out, total/8)
		sum += n
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) || i > 20 {
			t.Fatalf("try %d: %v", i, err)
		}
		journals, _ := filepath.Glob(filepath.Join(partialDir(out), "*.journal"))
		for _, j := range journals {
			b, err := os.ReadFile(j)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 10 {
				// Cut the last line in its middle.
				last := bytes.LastIndexByte(b[:len(b)-1], '\n') + 1
				if err := os.WriteFile(j, b[:last+(len(b)-last)/2], 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("%d requests over the interrupted runs, a clean run %d", sum, total)
	sameCSV(t, want(t, clean), out)
}

func want(t *testing.T, dir string) map[string][]byte { return csvFiles(t, dir) }

// TestResumeOtherRequestStartsAfresh: a partial run of other endpoints is
// not continued, and says why; --restart discards one of the same request.
func TestResumeOtherRequestStartsAfresh(t *testing.T) {
	d := newCountingDemo(t, upserver.Config{Seed: 5, Days: 60})
	dir := t.TempDir()
	total, err := d.run(t, filepath.Join(dir, "clean"), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := d.config(t, filepath.Join(dir, "clean"), nil, true)
	few := len(cfg.Resources) - 2
	for _, tt := range []struct {
		name      string
		change    func(*Config)
		warning   string
		fullFetch bool
	}{
		{"same", func(*Config) {}, "", false},
		{"restart", func(c *Config) { c.Restart = true }, "", true},
		{"endpoints", func(c *Config) { c.Resources = c.Resources[:few] }, "the partial run was for another request (endpoints ", true},
	} {
		out := filepath.Join(dir, tt.name)
		if _, err := d.run(t, out, total/2); !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: %v", tt.name, err)
		}
		cfg := d.config(t, out, nil, true)
		tt.change(&cfg)
		d.requests.Store(0)
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		n := d.requests.Load()
		// Started afresh, a run asks at least what half a run did not.
		if afresh := n > total/2+total/20; afresh != tt.fullFetch {
			t.Errorf("%s: %d requests after %d of %d: afresh %v, want %v", tt.name, n, total/2, total, afresh, tt.fullFetch)
		}
		found := tt.warning == ""
		for _, w := range res.Warnings {
			found = found || strings.Contains(w, tt.warning)
		}
		if !found {
			t.Errorf("%s: warnings %q, want one with %q", tt.name, res.Warnings, tt.warning)
		}
	}
}

// TestDeadline: a run that cannot finish before Config.Deadline (the
// server stops answering after a third of the requests) stops at it with
// an IncompleteError, keeps what it fetched, and the next run completes
// the export, equal to an uninterrupted one.
func TestDeadline(t *testing.T) {
	srvCfg := upserver.Config{Seed: 5, Days: 120}
	d := newCountingDemo(t, srvCfg)
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean")
	total, err := d.run(t, clean, 0)
	if err != nil {
		t.Fatal(err)
	}
	var answered atomic.Int64
	hang := newDemo(t, srvCfg, allReadScopes)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if answered.Add(1) > total/3 {
			<-r.Context().Done() // a server that stopped answering
			return
		}
		hang.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	hang.info = hang.srv.Info(hs.URL)
	out := filepath.Join(dir, "out")
	cfg := hang.config(t, out, nil, true)
	cfg.APIURL = d.info.APIURL // the same request as the clean run's, for the resume below
	// Long enough for the first third to be answered even under -race on a
	// loaded machine; the server then hangs until the deadline.
	cfg.Deadline = time.Now().Add(8 * time.Second)
	_, err = Run(context.Background(), cfg)
	var ie *IncompleteError
	if !errors.As(err, &ie) || ie.Done >= ie.Total {
		t.Fatalf("err %v, want an IncompleteError with endpoints left", err)
	}
	if late := time.Since(cfg.Deadline); late > time.Second {
		t.Errorf("stopped %v after the deadline", late)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stopped run wrote %s: %v", out, err)
	}
	second, err := d.run(t, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d requests answered before the deadline, %d after, a clean run %d", min(answered.Load(), total/3), second, total)
	if second >= total-total/4 {
		t.Errorf("the run after the deadline asked %d requests of %d: it did not continue", second, total)
	}
	sameCSV(t, csvFiles(t, clean), out)
}

// TestResumeIncremental: an incremental run that is stopped and run again
// ends with the same export as one that was not stopped.
func TestResumeIncremental(t *testing.T) {
	d := newCountingDemo(t, upserver.Config{Seed: 5, Days: 60})
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	inc := func(out string, stopAt int64) (int64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		d.requests.Store(0)
		d.mu.Lock()
		d.stopAt, d.stop = stopAt, nil
		if stopAt > 0 {
			d.stop = cancel
		}
		d.mu.Unlock()
		cfg := d.config(t, out, nil, true)
		cfg.Incremental = true
		_, err := Run(ctx, cfg)
		return d.requests.Load(), err
	}
	for _, out := range []string{a, b} {
		if _, err := inc(out, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, ep := range []string{jawbone.Moves, jawbone.Sleeps, "meals"} {
		if err := d.srv.Touch(0, ep, 2, 3); err != nil {
			t.Fatal(err)
		}
	}
	total, err := inc(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	first, err := inc(b, total/2)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped at %d of %d: %v", total/2, total, err)
	}
	second, err := inc(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("incremental: %d + %d requests, uninterrupted %d", first, second, total)
	if second >= total {
		t.Errorf("the resumed incremental run asked %d requests, as many as a whole one (%d)", second, total)
	}
	sameCSV(t, csvFiles(t, a), b)
}

// TestResumeOtherUser: a partial run of one user is not continued with
// another user's login: the run says so and starts afresh.
func TestResumeOtherUser(t *testing.T) {
	d := newCountingDemo(t, upserver.Config{Seed: 5, Days: 60, Users: 2})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	total, err := d.run(t, filepath.Join(dir, "clean0"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.run(t, out, total/2); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if d.access, _, err = d.srv.IssueToken(1, allReadScopes); err != nil {
		t.Fatal(err)
	}
	clean1 := filepath.Join(dir, "clean1")
	if _, err := d.run(t, clean1, 0); err != nil {
		t.Fatal(err)
	}
	n, err := d.run(t, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n < total {
		t.Errorf("%d requests: less than a whole run (%d), so not afresh", n, total)
	}
	sameCSV(t, csvFiles(t, clean1), out)
}

// cancelOnDone cancels the run when an endpoint is done.
type cancelOnDone struct {
	nopObserver
	endpoint string
	cancel   func()
}

func (c cancelOnDone) Done(ep string, _ int, _ error) {
	if ep == c.endpoint {
		c.cancel()
	}
}

// TestResumeMoodNotDoneWithoutItsDays: mood without --since asks about the
// days moves and sleeps know; when they failed (--keep-going), mood is not
// recorded as done, so a resumed run asks about the days it missed.
func TestResumeMoodNotDoneWithoutItsDays(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 30}, allReadScopes)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/moves") || strings.HasSuffix(r.URL.Path, "/sleeps") {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		d.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	d.info = d.srv.Info(hs.URL)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := d.config(t, out, []string{jawbone.Moves, jawbone.Sleeps, "mood"}, false)
	cfg.KeepGoing = true
	cfg.Observer = cancelOnDone{endpoint: "mood", cancel: cancel}
	if _, err := Run(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	b, err := os.ReadFile(filepath.Join(partialDir(out), "mood.journal"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(b, []byte(recDone)) || bytes.Contains(b, []byte("\n"+recDone+"\t")) {
		t.Errorf("mood was recorded as done without the days of moves and sleeps:\n%s", b)
	}
}

// TestDeadlineBeforeQuota: when the API quota is spent until after the
// deadline, the run stops at once as incomplete instead of failing.
func TestDeadlineBeforeQuota(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 30, Quota: upserver.Quota{Limit: 40, Window: time.Hour}}, allReadScopes)
	cfg := d.config(t, filepath.Join(t.TempDir(), "out"), nil, true)
	cfg.Deadline = time.Now().Add(time.Minute)
	start := time.Now()
	_, err := Run(context.Background(), cfg)
	var ie *IncompleteError
	if !errors.As(err, &ie) || ie.Err == nil {
		t.Fatalf("err %v, want an IncompleteError for the quota", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %v: it waited for the quota", took)
	}
	t.Log(err)
}
