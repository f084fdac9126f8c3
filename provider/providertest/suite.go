// Package providertest is the conformance suite every provider's emulator
// and declaration must pass, as a storage backend passes restic's backend
// tests: a provider is added by making Run pass, not by writing its own
// end-to-end tests from scratch.
package providertest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema/common"
)

// Options tune the suite for a provider.
type Options struct {
	// Demo configures the emulator; Seed 0 means 1.
	Demo provider.DemoOptions
	// FailResource is a resource the keep-going test makes fail; empty
	// picks the last resource that is neither a child nor WhoAmI.
	FailResource string
	// SmallPage is the page size that makes every paged resource take
	// several pages; 0 means 3.
	SmallPage int
	// MayBeEmpty names tables that the emulator's data may leave without
	// rows (a shape its synthetic account does not have); every other
	// table must have rows.
	MayBeEmpty []string
}

// Run runs the whole suite against p's emulator.
func Run(t *testing.T, p *provider.Provider, opts Options) {
	if err := p.Validate(); err != nil {
		t.Fatalf("declaration: %v", err)
	}
	if p.NewDemo == nil {
		t.Fatalf("%s has no emulator", p.Name)
	}
	if opts.Demo.Seed == 0 {
		opts.Demo.Seed = 1
	}
	opts.Demo.AutoApprove = true
	if opts.Demo.End.IsZero() {
		// Every export of the suite makes its own emulator: one data end
		// for all, even across a midnight in the emulated person's zone.
		opts.Demo.End = fixedNow()
	}
	if opts.SmallPage == 0 {
		opts.SmallPage = 3
	}
	s := &suite{p: p, opts: opts}
	ref := s.export(t, "reference", nil, nil)
	s.checkEveryItemOnce(t, ref)
	s.checkCommonTables(t, ref)

	t.Run("SmallPages", func(t *testing.T) {
		t.Parallel()
		out := s.export(t, "small", nil, func(c *engine.Config) { c.PageSize = opts.SmallPage })
		sameTables(t, ref, out)
	})
	t.Run("FaultsGiveIdenticalFiles", func(t *testing.T) {
		t.Parallel()
		out := s.export(t, "faults", func(f *faults) { f.every500, f.everyDrop = 5, 7 }, nil)
		sameTables(t, ref, out)
	})
	t.Run("RefreshOn401", func(t *testing.T) {
		t.Parallel()
		out := s.export(t, "refresh", func(f *faults) { f.unauthorizedAt = 3 }, nil)
		sameTables(t, ref, out)
	})
	t.Run("IncrementalEqualsFull", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "inc")
		s.exportInto(t, dir, nil, nil)
		s.exportInto(t, dir, nil, func(c *engine.Config) { c.Incremental = true })
		sameTables(t, ref, dir)
	})
	t.Run("FromRawEqualsFetch", func(t *testing.T) {
		t.Parallel()
		// Re-exporting the archive gives the same tables, the common
		// tables' user too (a provider with no WhoAmI names it only in the
		// token answer, which --from-raw does not have).
		dir := filepath.Join(t.TempDir(), "from-raw")
		_, err := engine.Run(context.Background(), engine.Config{
			Provider: p, FromRaw: ref, Out: dir, Source: "demo",
			Export: export.Options{Format: export.CSV}, Common: true, Now: fixedNow,
		})
		if err != nil {
			t.Fatal(err)
		}
		sameTables(t, ref, dir)
	})
	t.Run("KilledRunResumes", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "killed")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := s.run(t, ctx, dir, func(f *faults) { f.afterN, f.after = 4, cancel }, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the stopped run ended with %v, want context.Canceled", err)
		}
		s.exportInto(t, dir, nil, nil)
		sameTables(t, ref, dir)
	})
	t.Run("KeepGoingKeepsTheRest", func(t *testing.T) {
		t.Parallel()
		fail := s.failResource(t)
		dir := filepath.Join(t.TempDir(), "keep")
		res, err := s.run(t, context.Background(), dir, func(f *faults) { f.failPath = fail.Path }, func(c *engine.Config) {
			c.KeepGoing = true
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := res.Failed[fail.Name]; !ok {
			t.Fatalf("%s did not fail (failed: %v)", fail.Name, res.Failed)
		}
		failed := map[string]bool{}
		for _, tb := range p.Tables.Tables(fail.Name) {
			failed[tb.Name] = true
		}
		for _, child := range p.Children(fail.Name) {
			for _, tb := range p.Tables.Tables(child.Name) {
				failed[tb.Name] = true
			}
		}
		// The common tables fed by the failed tables lack their rows.
		partial := map[string]bool{}
		for _, m := range p.Common {
			if failed[m.From] {
				partial[m.To] = true
			}
		}
		sameTablesExcept(t, ref, dir, failed, partial)
	})
}

type suite struct {
	p    *provider.Provider
	opts Options
}

// Export runs one export of p's emulator into dir, as the suite does
// (every resource, CSV, the common tables), with cfg's changes: for tests
// that read a provider's demo export.
func Export(t *testing.T, p *provider.Provider, dir string, opts Options, cfg func(*engine.Config)) *engine.Result {
	t.Helper()
	opts.Demo.AutoApprove = true
	if opts.Demo.End.IsZero() {
		opts.Demo.End = fixedNow()
	}
	s := &suite{p: p, opts: opts}
	res, err := s.run(t, context.Background(), dir, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (s *suite) export(t *testing.T, name string, fault func(*faults), cfg func(*engine.Config)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	s.exportInto(t, dir, fault, cfg)
	return dir
}

func (s *suite) exportInto(t *testing.T, dir string, fault func(*faults), cfg func(*engine.Config)) {
	t.Helper()
	if _, err := s.run(t, context.Background(), dir, fault, cfg); err != nil {
		t.Fatal(err)
	}
}

// run serves a fresh emulator (the same seed serves the same data), logs
// in through its browser flow, and exports every resource, optional ones
// included, as CSV into dir.
func (s *suite) run(t *testing.T, ctx context.Context, dir string, fault func(*faults), cfg func(*engine.Config)) (*engine.Result, error) {
	t.Helper()
	demo, err := s.p.NewDemo(s.opts.Demo)
	if err != nil {
		t.Fatal(err)
	}
	f := &faults{next: demo}
	hs := httptest.NewServer(f)
	t.Cleanup(hs.Close)
	info := demo.Info(hs.URL)
	api, err := url.Parse(info.APIURL)
	if err != nil {
		t.Fatal(err)
	}
	f.apiPath = api.Path
	if fault != nil {
		fault(f)
	}
	server := s.p.OAuth.WithHooks(auth.Server{
		AuthURL: info.AuthURL, TokenURL: info.TokenURL, DeviceURL: info.DeviceURL,
		RevokeURL: info.RevokeURL, Issuer: info.Issuer, ClientID: info.ClientID, ClientSecret: info.ClientSecret,
		AuthStyle: s.p.OAuth.AuthStyle, Scopes: s.p.AllScopes(),
	})
	tok, err := auth.LoginLoopback(ctx, server, auth.LoopbackOptions{
		OpenURL: auth.HTTPOpener(hs.Client()), Timeout: 30 * time.Second, HTTPClient: hs.Client(),
	})
	if err != nil {
		t.Fatalf("login to the %s emulator: %v", s.p.Name, err)
	}
	sess, err := auth.NewSession(ctx, server, auth.NewMemoryStore(tok), auth.ForAPI(info.APIURL), auth.WithHTTPClient(hs.Client()))
	if err != nil {
		t.Fatal(err)
	}
	resources, err := s.p.Select(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	c := engine.Config{
		Provider: s.p, Resources: resources, Out: dir, APIURL: "conformance:" + s.p.Name, Source: "demo",
		Export: export.Options{Format: export.CSV},
		Common: true, User: auth.User(tok),
		Now: fixedNow,
	}
	if cfg != nil {
		cfg(&c)
	}
	retries := 20
	if c.KeepGoing {
		retries = 1 // the injected failure is permanent: fail it quickly
	}
	c.Client, err = fetch.NewClient(fetch.Options{HTTPClient: sess.Client(), APIURL: info.APIURL,
		Envelope: s.p.API.Envelope, Header: s.p.API.Header, Concurrency: 4, Retries: retries, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return engine.Run(ctx, c)
}

// fixedNow is the run's clock: the same in every run of the suite, so
// exports compare byte for byte. The emulators' data ends today.
var fixedNow = func() func() time.Time {
	now := time.Now().UTC().Truncate(time.Hour)
	return func() time.Time { return now }
}()

func (s *suite) failResource(t *testing.T) provider.Resource {
	if s.opts.FailResource != "" {
		r, ok := s.p.Lookup(s.opts.FailResource)
		if !ok {
			t.Fatalf("FailResource %q is not a resource", s.opts.FailResource)
		}
		return r
	}
	for i := len(s.p.Resources) - 1; i >= 0; i-- {
		r := s.p.Resources[i]
		if r.Parent == "" && r.Name != s.p.API.WhoAmI && len(r.DependsOn) == 0 && len(s.p.Children(r.Name)) == 0 {
			return r
		}
	}
	t.Fatal("no resource to fail")
	return provider.Resource{}
}

// checkEveryItemOnce reads each resource's archive: no item key twice,
// and every table of a resource that has items has rows.
func (s *suite) checkEveryItemOnce(t *testing.T, dir string) {
	t.Helper()
	for _, r := range s.p.Resources {
		path, err := archive.Find(filepath.Join(dir, ".raw"), r.Name)
		if errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: no archive", r.Name)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		lines := 0
		err = archive.Each(path, func(line []byte) error {
			lines++
			if r.Parent != "" {
				return nil // groups of a child resource: one per parent item
			}
			k, err := r.Keys(bytes.Clone(line))
			if err != nil {
				return err
			}
			key := k.ID
			if key == "" {
				key = k.Key
			}
			if key == "" {
				return nil
			}
			if seen[key] {
				t.Errorf("%s: item %s twice", r.Name, key)
			}
			seen[key] = true
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if lines == 0 {
			t.Errorf("%s: the emulator served no items; the suite needs some of every resource", r.Name)
		}
	}
	var m struct {
		Tables []struct {
			Name string
			Rows int64
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, tb := range m.Tables {
		if tb.Rows == 0 && !slices.Contains(s.opts.MayBeEmpty, tb.Name) && !slices.Contains(common.Names(), tb.Name) {
			t.Errorf("table %s has no rows", tb.Name)
		}
	}
}

// checkCommonTables reads the common tables of the export in dir: each
// one the provider maps into has rows (unless all its sources may be
// empty), each other one none, and every row names the provider and user.
func (s *suite) checkCommonTables(t *testing.T, dir string) {
	t.Helper()
	for _, name := range common.Names() {
		mapped, mayBeEmpty := false, true
		for _, m := range s.p.Common {
			if m.To == name {
				mapped = true
				mayBeEmpty = mayBeEmpty && slices.Contains(s.opts.MayBeEmpty, m.From)
			}
		}
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Errorf("common table: %v", err)
			continue
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		switch n := len(rows) - 1; {
		case mapped && n == 0 && !mayBeEmpty:
			t.Errorf("%s has no rows, though %s maps its tables into it", name, s.p.Name)
		case !mapped && n > 0:
			t.Errorf("%s has %d rows, though %s maps nothing into it", name, n, s.p.Name)
		}
		for i, r := range rows[1:] {
			if r[0] != s.p.Name || r[1] == "" {
				t.Errorf("%s row %d: provider %q, user %q; want %s and the user's id", name, i+1, r[0], r[1], s.p.Name)
				break
			}
		}
	}
}

func sameTables(t *testing.T, want, got string) {
	t.Helper()
	sameTablesExcept(t, want, got, nil, nil)
}

// sameTablesExcept compares the table files of two exports byte for byte,
// but for the tables named in skip, which got must not have, and those in
// partial, which it must have but may hold fewer rows of.
func sameTablesExcept(t *testing.T, want, got string, skip, partial map[string]bool) {
	t.Helper()
	files := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".csv") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimSuffix(e.Name(), ".csv")] = b
		}
		return out
	}
	w, g := files(want), files(got)
	if len(w) == 0 {
		t.Fatalf("%s has no tables", want)
	}
	for name, wb := range w {
		gb, ok := g[name]
		switch {
		case skip[name]:
			if ok {
				t.Errorf("table %s was written, though its resource failed", name)
			}
		case !ok:
			t.Errorf("table %s is missing", name)
		case partial[name]:
			if len(gb) > len(wb) {
				t.Errorf("table %s has more than the reference export (%d and %d bytes)", name, len(wb), len(gb))
			}
		case !bytes.Equal(wb, gb):
			t.Errorf("table %s differs from the reference export (%d and %d bytes)", name, len(wb), len(gb))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("table %s is extra", name)
		}
	}
}
