package engine

import (
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

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/schema/common"
)

// failingReplay serves the recorded pages; while broken is set, every
// sleeps request (list and ticks) answers 500.
func failingReplay(t *testing.T) (*replay, string, *atomic.Bool) {
	rp := newReplay(t, []any{})
	var broken atomic.Bool
	rp.fail = func(path string) int {
		if broken.Load() && strings.Contains(path, jawbone.Sleeps) {
			return http.StatusInternalServerError
		}
		return 0
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	return rp, hs.URL + "/nudge/api/v.1.1", &broken
}

// noRetries gives cfg a client that does not retry, so a failing endpoint
// fails at once.
func noRetries(t *testing.T, cfg Config) Config {
	t.Helper()
	hc := oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "replay"}))
	c, err := fetch.NewClient(fetch.Options{Envelope: up.API.Envelope, HTTPClient: hc, APIURL: cfg.APIURL, Concurrency: 4, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Client = c
	return cfg
}

func statuses(t *testing.T, dir string) map[string]export.TableResult {
	t.Helper()
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]export.TableResult{}
	for _, tb := range m.Tables {
		out[tb.Name] = tb
	}
	return out
}

func TestKeepGoing(t *testing.T) {
	rp, api, broken := failingReplay(t)
	out := filepath.Join(t.TempDir(), "out")
	first := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	cfg := noRetries(t, rp.config(t, api, out))
	cfg.Now = func() time.Time { return first }
	mustRun(t, cfg)
	before := manifestHashes(t, out)
	for name, tb := range statuses(t, out) {
		if tb.Status != "complete" {
			t.Errorf("first run: %s is %q", name, tb.Status)
		}
	}
	broken.Store(true)

	t.Run("fail-fast by default", func(t *testing.T) {
		_, err := Run(context.Background(), noRetries(t, rp.config(t, api, out)))
		var ae *fetch.APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusInternalServerError {
			t.Fatalf("err %v, want the sleeps 500", err)
		}
		if got := manifestHashes(t, out); len(got) != len(before) {
			t.Fatal("a failed run changed the export")
		}
	})

	t.Run("keeps the earlier tables", func(t *testing.T) {
		cfg := noRetries(t, rp.config(t, api, out))
		cfg.KeepGoing = true
		cfg.Common = true
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Failed) != 2 || res.Failed[jawbone.Sleeps] == "" || res.Failed["sleeps_ticks"] == "" {
			t.Fatalf("failed %v, want sleeps and sleeps_ticks", res.Failed)
		}
		after := manifestHashes(t, out)
		for _, f := range []string{"sleeps.csv", "sleeps_ticks.csv", "moves.csv"} {
			if after[f] == "" || after[f] != before[f] {
				t.Errorf("%s: %q, want the earlier export's %q", f, after[f], before[f])
			}
		}
		st := statuses(t, out)
		stale := "stale since " + first.Format(time.RFC3339)
		// The common tables fed by sleeps hold its kept rows: stale too.
		for name, want := range map[string]string{jawbone.Sleeps: stale, "sleeps_ticks": stale, jawbone.Moves: "complete", "timezone": "complete",
			common.SleepSessions: stale, common.SleepStages: stale, common.DailyActivity: "complete"} {
			if st[name].Status != want {
				t.Errorf("%s: status %q, want %q", name, st[name].Status, want)
			}
		}
		// Kept tables are rebuilt from the earlier archive: nothing in
		// them changed.
		for _, name := range []string{jawbone.Sleeps, "sleeps_ticks"} {
			if c := st[name].Changes; c == nil || c.Unchanged != st[name].Rows || c.Rows() != st[name].Rows {
				t.Errorf("%s: changes %+v of %d rows, want all unchanged", name, c, st[name].Rows)
			}
		}
		if !strings.Contains(strings.Join(res.Warnings, "\n"), "sleeps failed (") {
			t.Errorf("warnings %q", res.Warnings)
		}
		if _, err := os.Stat(filepath.Join(out, ".raw", "sleeps.jsonl.zst")); err != nil {
			t.Errorf("the raw archive of sleeps is gone: %v", err)
		}
		// A second partial run keeps the time the items were fetched.
		cfg = noRetries(t, rp.config(t, api, out))
		cfg.KeepGoing = true
		cfg.Now = func() time.Time { return first.Add(48 * time.Hour) }
		if _, err := Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		if got := statuses(t, out)[jawbone.Sleeps].Status; got != stale {
			t.Errorf("after a second failure sleeps is %q, want %q", got, stale)
		}
	})

	t.Run("failed without an earlier export", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "fresh")
		cfg := noRetries(t, rp.config(t, api, fresh))
		cfg.KeepGoing = true
		cfg.Common = true
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed[jawbone.Sleeps] == "" {
			t.Fatalf("failed %v", res.Failed)
		}
		st := statuses(t, fresh)
		for _, name := range []string{jawbone.Sleeps, "sleeps_ticks"} {
			if tb := st[name]; !strings.HasPrefix(tb.Status, "failed: ") || !strings.Contains(tb.Status, "500") || len(tb.Files) != 0 {
				t.Errorf("%s: status %q, %d files; want failed with the reason and no files", name, tb.Status, len(tb.Files))
			}
			if c := st[name].Changes; c != nil {
				t.Errorf("%s failed, but has changes %+v", name, c)
			}
		}
		if st[jawbone.Moves].Status != "complete" || st[jawbone.Moves].Rows == 0 {
			t.Errorf("moves: %+v", st[jawbone.Moves].Status)
		}
		// A common table fed by a failed endpoint lacks its rows.
		for name, ep := range map[string]string{common.SleepSessions: jawbone.Sleeps, common.SleepStages: "sleeps_ticks"} {
			if tb := st[name]; !strings.HasPrefix(tb.Status, "partial: "+ep+" failed: ") || !strings.Contains(tb.Status, "500") {
				t.Errorf("%s: status %q, want partial, naming %s and the reason", name, tb.Status, ep)
			}
		}
		if got := st[common.DailyActivity].Status; got != "complete" {
			t.Errorf("%s: status %q, want complete", common.DailyActivity, got)
		}
	})
}

// doneRecorder records which endpoints an Observer was told failed.
type doneRecorder struct {
	mu        sync.Mutex
	failed    []string
	cancelled []string
}

func (*doneRecorder) Phase(string)            {}
func (*doneRecorder) Start(string)            {}
func (*doneRecorder) Page(string, int)        {}
func (*doneRecorder) Fanout(string, int, int) {}
func (*doneRecorder) Skip(string, string)     {}
func (d *doneRecorder) Done(ep string, _ int, err error) {
	if err != nil {
		d.mu.Lock()
		d.failed = append(d.failed, ep)
		d.mu.Unlock()
	}
}
func (d *doneRecorder) Cancelled(ep string) {
	d.mu.Lock()
	d.cancelled = append(d.cancelled, ep)
	d.mu.Unlock()
}

// TestFailFastCancelledAreNotFailed: when one endpoint fails, the others
// are cancelled; they are reported as cancelled, not failed.
func TestFailFastCancelledAreNotFailed(t *testing.T) {
	rp := newReplay(t, []any{})
	release := make(chan struct{})
	rp.fail = func(path string) int {
		if strings.HasSuffix(path, "/friends") {
			return http.StatusInternalServerError
		}
		<-release // every other endpoint is still busy when friends fails
		return 0
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(release) })
	cfg := noRetries(t, rp.config(t, hs.URL+"/nudge/api/v.1.1", filepath.Join(t.TempDir(), "out")))
	rec := &doneRecorder{}
	cfg.Observer = rec
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Fatal("the run succeeded")
	}
	if len(rec.failed) != 1 || rec.failed[0] != "friends" {
		t.Errorf("reported failed: %v, want only friends", rec.failed)
	}
	if len(rec.cancelled) == 0 {
		t.Error("no endpoint reported cancelled")
	}
}
