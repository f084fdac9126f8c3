package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/internal/fsutil"
	"github.com/upexport/upexport/internal/journal"
)

// A fetching run keeps what it fetched in a partial directory beside the
// output directory, .<out>.partial: the request it serves (request.json),
// and per endpoint a journal of finished units (tick groups, meal details,
// days of a per-date endpoint) with their data, and the endpoint's archive
// once it is complete. A run that dies leaves it behind; the next run of
// the same request continues from it, and a successful run removes it.
// Collections are fetched again from their first page: a few requests,
// against the hundreds of the fan-outs.

// Journal record kinds.
const (
	recTick   = "tick"   // key parent xid@time_updated, payload the archive line
	recDetail = "detail" // key xid@time_updated, payload the detailed item
	recDay    = "day"    // key YYYYMMDD, payload a JSON array of the day's items
	recDone   = "done"   // payload doneInfo; the endpoint's archive is beside
)

// request is what must match for a partial run to be continued.
type request struct {
	Version     int        `json:"version"`
	APIURL      string     `json:"api_url"`
	Source      string     `json:"provider"` // the manifest's source; the key predates providers
	Provider    string     `json:"api,omitempty"`
	Endpoints   []string   `json:"endpoints"`
	Since       *time.Time `json:"since,omitempty"`
	Until       *time.Time `json:"until,omitempty"`
	PageSize    int        `json:"page_size"`
	Incremental bool       `json:"incremental,omitempty"`
	// Previous is the state of the export an incremental run updates:
	// the fetched units are relative to it.
	Previous string `json:"previous,omitempty"`
	// Started is when the partial run began; it need not match.
	Started time.Time `json:"started"`
}

// differs says how req differs from o, for the message; "" if it does not.
func (req request) differs(o request) string {
	switch {
	case req.Version != o.Version:
		return "another version of upexport"
	case req.APIURL != o.APIURL || req.Source != o.Source || req.Provider != o.Provider:
		return "API " + o.APIURL
	case !slices.Equal(req.Endpoints, o.Endpoints):
		return "endpoints " + strings.Join(o.Endpoints, ",")
	case dateRange(req.Since, req.Until) != dateRange(o.Since, o.Until):
		return dateRange(o.Since, o.Until)
	case req.PageSize != o.PageSize:
		return fmt.Sprintf("page size %d", o.PageSize)
	case req.Incremental != o.Incremental || req.Previous != o.Previous:
		return "another incremental base"
	}
	return ""
}

// doneInfo is what a finished endpoint tells the rest of the run.
type doneInfo struct {
	UserXID string        `json:"user_xid,omitempty"`
	State   endpointState `json:"state"`
	Dates   []string      `json:"dates,omitempty"`
	// Changed lists the new or changed xids, whose ticks are fetched.
	Changed []string `json:"changed,omitempty"`
}

// partial is the partial directory of a run.
type partial struct {
	dir      string
	mu       sync.Mutex
	journals map[string]*journal.Journal
	index    map[string]map[string]journal.Record // endpoint → kind+" "+key → record
	resumed  bool                                 // continues an earlier run's
	user     string                               // the user's xid, once known; guarded by mu
	finished atomic.Int64                         // endpoints fetched whole, by this run or earlier ones
}

func partialDir(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".partial")
}

// openPartial opens the partial directory of the run, continuing the one
// there if it served the same request for the same user.
func (r *run) openPartial(ctx context.Context) (*partial, error) {
	cfg := r.cfg
	dir := partialDir(r.out.path)
	req := request{Version: stateVersion, APIURL: safehttp.Redact(cfg.APIURL), Source: cfg.Source, Provider: cfg.Provider.Name,
		PageSize: cfg.PageSize, Incremental: cfg.Incremental, Started: cfg.Now().UTC()}
	for _, ep := range cfg.Resources {
		req.Endpoints = append(req.Endpoints, ep.Name)
	}
	slices.Sort(req.Endpoints)
	if !cfg.Since.IsZero() {
		req.Since = &cfg.Since
	}
	if !cfg.Until.IsZero() {
		req.Until = &cfg.Until
	}
	if cfg.Incremental {
		b, _ := os.ReadFile(filepath.Join(r.out.path, rawDir, stateFile))
		req.Previous = string(b)
	}
	p := &partial{dir: dir, journals: map[string]*journal.Journal{}, index: map[string]map[string]journal.Record{}}
	var old request
	b, err := os.ReadFile(filepath.Join(dir, "request.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p, p.reset(req)
	case err != nil:
		return nil, fmt.Errorf("partial run %s: %w", dir, err)
	case cfg.Restart:
		cfg.Logger.Warn("--restart: discarding the partial run", "dir", dir)
		return p, p.reset(req)
	}
	if err := json.Unmarshal(b, &old); err != nil {
		r.warn("the partial run in %s is unreadable (%v): starting afresh", dir, err)
		return p, p.reset(req)
	}
	if why := old.differs(req); why != "" {
		r.warn("the partial run was for another request (%s): starting afresh", why)
		return p, p.reset(req)
	}
	if u, err := os.ReadFile(filepath.Join(dir, userFile)); err == nil {
		// The login may be another user's now: ask whose it is (one
		// request) before any of the partial run is used.
		p.user = string(u)
		if ep, ok := cfg.Provider.Lookup(cfg.Provider.API.WhoAmI); ok {
			_, xid, err := cfg.Client.Get(ctx, ep.Name, ep.Path, nil)
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			if err == nil && xid != "" && xid != p.user {
				r.warn("the partial run was for another request (user %s, this login is user %s): starting afresh", p.user, xid)
				return p, p.reset(req)
			}
		}
	}
	p.resumed = true
	done := 0
	for _, ep := range cfg.Resources {
		j, err := p.journal(ep.Name)
		if err != nil {
			p.close()
			return nil, err
		}
		if j.Dropped() > 0 {
			cfg.Logger.Info("dropped the torn end of a journal", "endpoint", ep.Name, "bytes", j.Dropped())
		}
		if _, ok := p.done(ep.Name); ok {
			done++
			p.finished.Add(1)
		}
	}
	cfg.Logger.Info(fmt.Sprintf("resuming the partial run of %s: %d of %d endpoints done",
		old.Started.Local().Format(time.DateTime), done, len(cfg.Resources)))
	return p, nil
}

// userFile holds the xid of the user whose data the partial run holds.
const userFile = "user"

// reset empties the partial directory for a new run of req.
func (p *partial) reset(req request) error {
	p.user = ""
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("partial run %s: %w", p.dir, err)
	}
	if err := os.Mkdir(p.dir, 0o700); err != nil {
		return fmt.Errorf("partial run %s: %w", p.dir, err)
	}
	b, _ := json.MarshalIndent(req, "", "  ")
	if err := fsutil.WriteFile(filepath.Join(p.dir, "request.json"), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("partial run: %w", err)
	}
	return fsutil.SyncDir(filepath.Dir(p.dir))
}

// setUser records whose data the run fetches, before any of it is
// journaled; a response for another user is an error.
func (p *partial) setUser(xid string) error {
	if p == nil || xid == "" {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.user {
	case xid:
		return nil
	case "":
		if err := fsutil.WriteFile(filepath.Join(p.dir, userFile), []byte(xid), 0o600); err != nil {
			return fmt.Errorf("partial run: %w", err)
		}
		p.user = xid
		return nil
	}
	if p.resumed {
		return fmt.Errorf("the partial run in %s is of user %s, but the server answers for user %s: run again with --restart", p.dir, p.user, xid)
	}
	return fmt.Errorf("the server answered for two users (%s and %s) in one run", p.user, xid)
}

// journal opens (once) the journal of endpoint.
func (p *partial) journal(endpoint string) (*journal.Journal, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j, ok := p.journals[endpoint]; ok {
		return j, nil
	}
	j, err := journal.Open(filepath.Join(p.dir, endpoint+".journal"))
	if err != nil {
		return nil, err
	}
	idx := map[string]journal.Record{}
	for _, rec := range j.Records() {
		idx[rec.Kind+" "+rec.Key] = rec
	}
	p.journals[endpoint], p.index[endpoint] = j, idx
	return j, nil
}

// get returns the payload of a finished unit of endpoint.
func (p *partial) get(endpoint, kind, key string) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	j, err := p.journal(endpoint)
	if err != nil {
		return nil, false
	}
	p.mu.Lock()
	rec, ok := p.index[endpoint][kind+" "+key]
	p.mu.Unlock()
	if !ok {
		return nil, false
	}
	b, err := j.Payload(rec)
	return b, err == nil
}

// put records a finished unit of endpoint.
func (p *partial) put(endpoint, kind, key string, payload []byte) error {
	if p == nil {
		return nil
	}
	j, err := p.journal(endpoint)
	if err != nil {
		return err
	}
	return j.Append(kind, key, payload)
}

// done returns what a finished endpoint recorded, if its archive is there.
func (p *partial) done(endpoint string) (doneInfo, bool) {
	var info doneInfo
	b, ok := p.get(endpoint, recDone, "")
	if !ok || json.Unmarshal(b, &info) != nil {
		return info, false
	}
	if _, err := os.Stat(archive.Path(p.dir, endpoint)); err != nil {
		return info, false
	}
	return info, true
}

// finish keeps the finished archive of endpoint (in raw) and records it.
func (p *partial) finish(raw, endpoint string, info doneInfo) error {
	if p == nil {
		return nil
	}
	dst := archive.Path(p.dir, endpoint)
	os.Remove(dst)
	if err := linkOrCopy(archive.Path(raw, endpoint), dst); err != nil {
		return fmt.Errorf("partial run: %w", err)
	}
	if err := fsutil.SyncDir(p.dir); err != nil {
		return err
	}
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := p.put(endpoint, recDone, "", b); err != nil {
		return err
	}
	j, _ := p.journal(endpoint)
	if err := j.Sync(); err != nil {
		return err
	}
	p.finished.Add(1)
	return nil
}

// restore brings the finished archive of endpoint into raw.
func (p *partial) restore(raw, endpoint string) error {
	if err := linkOrCopy(archive.Path(p.dir, endpoint), archive.Path(raw, endpoint)); err != nil {
		return fmt.Errorf("partial run: %w", err)
	}
	return nil
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFile(src, dst)
}

func (p *partial) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.journals {
		j.Close()
	}
	p.journals = map[string]*journal.Journal{}
}

// remove deletes the partial directory: the run it served is complete.
func (p *partial) remove() error {
	if p == nil {
		return nil
	}
	p.close()
	return os.RemoveAll(p.dir)
}

// units is the partial run's journal of one resource's units of a kind,
// as a fetch.UnitStore; nil when the run keeps no partial run.
func (r *run) units(endpoint, kind string) fetch.UnitStore {
	if r.partial == nil {
		return nil
	}
	return partialUnits{p: r.partial, endpoint: endpoint, kind: kind}
}

type partialUnits struct {
	p              *partial
	endpoint, kind string
}

func (u partialUnits) Get(key string) ([]byte, bool) { return u.p.get(u.endpoint, u.kind, key) }
func (u partialUnits) Put(key string, data []byte) error {
	return u.p.put(u.endpoint, u.kind, key, data)
}
