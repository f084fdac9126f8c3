package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/provider"
)

// fetchAll reads every selected endpoint into the run's archive.
func (r *run) fetchAll(ctx context.Context) error {
	cfg := r.cfg
	r.state = &state{Version: stateVersion, Provider: cfg.Provider.Name, APIURL: cfg.APIURL, Endpoints: map[string]endpointState{}}
	if !cfg.Since.IsZero() {
		r.state.Since = &cfg.Since
	}
	if !cfg.Until.IsZero() {
		r.state.Until = &cfg.Until
	}
	if cfg.Incremental {
		if err := r.loadPrevious(); err != nil {
			return err
		}
	}
	cfg.Observer.Phase("fetch")
	r.ctx = ctx
	selected := map[string]bool{}
	dependedOn := map[string]bool{} // resources whose days others ask about
	for _, ep := range cfg.Resources {
		selected[ep.Name] = true
		for _, d := range ep.DependsOn {
			dependedOn[d] = true
		}
	}
	// Fail-fast (the default) cancels every endpoint at the first failure;
	// with KeepGoing a failure stops only its own endpoint.
	g, gctx := errgroup.WithContext(ctx)
	if cfg.KeepGoing {
		g, gctx = new(errgroup.Group), ctx
	}
	g.SetLimit(cfg.Client.Concurrency())
	var failures []endpointFailure
	results := make(chan endpointResult, len(cfg.Resources))
	var days sync.WaitGroup // the resources that tell the active days
	daySet := map[string]bool{}
	r.activeDaysReady = make(chan struct{})
	for _, ep := range cfg.Resources {
		if dependedOn[ep.Name] {
			days.Add(1)
		}
	}
	go func() {
		days.Wait()
		for d := range daySet {
			r.activeDays = append(r.activeDays, d)
		}
		slices.Sort(r.activeDays)
		close(r.activeDaysReady)
	}()
	for _, ep := range cfg.Resources {
		if ep.Parent != "" {
			continue // fetched with its parent, which knows the parents' ids
		}
		tellsDays := dependedOn[ep.Name]
		var ticks *provider.Resource
		for _, child := range cfg.Provider.Children(ep.Name) {
			if selected[child.Name] {
				ticks = &child
				break
			}
		}
		g.Go(func() error {
			if tellsDays {
				defer days.Done()
			}
			res, err := r.fetchEndpoint(gctx, ep, ticks)
			if err != nil && tellsDays {
				r.mu.Lock()
				r.activeDaysPartial = true
				r.mu.Unlock()
			}
			if err != nil {
				if !cfg.KeepGoing || ctx.Err() != nil {
					return err
				}
				r.mu.Lock()
				failures = append(failures, endpointFailure{ep: ep, ticks: ticks, err: err})
				r.mu.Unlock()
				return nil
			}
			if tellsDays {
				r.mu.Lock()
				for _, d := range res.dates {
					daySet[d] = true
				}
				r.mu.Unlock()
			}
			results <- res
			return nil
		})
	}
	err := g.Wait()
	close(results)
	if err != nil {
		return err
	}
	for res := range results {
		for name, st := range res.states {
			r.state.Endpoints[name] = st
		}
		if r.state.UserXID == "" && res.userXID != "" {
			r.state.UserXID = res.userXID
		}
		if res.userXID != "" && res.userXID != r.state.UserXID {
			if r.partial != nil && r.partial.resumed {
				return fmt.Errorf("the partial run in %s is of another user than this login (%s and %s): run again with --restart",
					r.partial.dir, r.state.UserXID, res.userXID)
			}
			return fmt.Errorf("the server answered for two users (%s and %s) in one run", r.state.UserXID, res.userXID)
		}
	}
	if r.state.UserXID == "" {
		// The API never names the user (Withings): the token answer did.
		// The archive keeps it for --from-raw, which has no login.
		r.state.UserXID = cfg.User
	}
	if r.prev != nil && r.prev.UserXID != "" && r.state.UserXID != "" && r.prev.UserXID != r.state.UserXID {
		return fmt.Errorf("%s holds the export of user %s, but this login is user %s: export into another --out",
			r.out.path, r.prev.UserXID, r.state.UserXID)
	}
	if err := r.keepPrevious(failures); err != nil {
		return err
	}
	return writeState(r.raw, r.state)
}

// endpointResult is what fetching one endpoint (and its ticks) learned.
type endpointResult struct {
	userXID string
	states  map[string]endpointState
	dates   []string // the items' dates, YYYYMMDD
}

// loadPrevious reads the archive state of the export being updated.
func (r *run) loadPrevious() error {
	dir := filepath.Join(r.out.path, rawDir)
	prev, err := readState(dir)
	if err != nil {
		return fmt.Errorf("incremental: %w", err)
	}
	switch {
	case prev == nil:
		r.warn("incremental: %s has no earlier export, so this run fetches everything", r.out.path)
	case prev.Provider != "" && prev.Provider != r.cfg.Provider.Name:
		return fmt.Errorf("incremental: %s holds an export of %s, not %s: export into another --out",
			r.out.path, prev.Provider, r.cfg.Provider.Name)
	case prev.Version != stateVersion:
		r.warn("incremental: the archive in %s is of another version, so this run fetches everything", dir)
	case safehttp.Redact(prev.APIURL) != safehttp.Redact(r.cfg.APIURL):
		// Exports before redaction kept a password of the API URL here.
		return fmt.Errorf("incremental: %s was exported from %s, not %s: export into another --out",
			r.out.path, safehttp.Redact(prev.APIURL), safehttp.Redact(r.cfg.APIURL))
	case dateRange(prev.Since, prev.Until) != dateRange(&r.cfg.Since, &r.cfg.Until):
		// The archive holds the old range: merging into it would keep
		// items outside the new one, or miss the part never fetched.
		r.warn("incremental: %s was exported for %s, not %s, so this run fetches everything",
			r.out.path, dateRange(prev.Since, prev.Until), dateRange(&r.cfg.Since, &r.cfg.Until))
	default:
		r.prev, r.prevDir = prev, dir
	}
	return nil
}

// dateRange describes --since..--until for comparing runs.
func dateRange(since, until *time.Time) string {
	day := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "…"
		}
		return t.Format(time.DateOnly)
	}
	return day(since) + " to " + day(until)
}

func (r *run) fetchEndpoint(ctx context.Context, ep provider.Resource, ticks *provider.Resource) (endpointResult, error) {
	obs := r.cfg.Observer
	obs.Start(ep.Name)
	res := endpointResult{states: map[string]endpointState{}}
	var merged []item
	var changed map[string]bool
	if info, ok := r.partial.done(ep.Name); ok {
		// Finished by an earlier try of this run.
		if err := r.partial.restore(r.raw, ep.Name); err != nil {
			return res, err
		}
		res.userXID, res.dates, res.states[ep.Name] = info.UserXID, info.Dates, info.State
		obs.Done(ep.Name, info.State.Items, nil)
		if ticks == nil {
			return res, nil
		}
		if tinfo, ok := r.partial.done(ticks.Name); ok {
			obs.Start(ticks.Name)
			if err := r.partial.restore(r.raw, ticks.Name); err != nil {
				return res, err
			}
			res.states[ticks.Name] = tinfo.State
			obs.Done(ticks.Name, tinfo.State.Items, nil)
			return res, nil
		}
		var err error
		if merged, err = readItems(ep, archive.Path(r.raw, ep.Name)); err != nil {
			return res, err
		}
		changed = map[string]bool{}
		for _, x := range info.Changed {
			changed[x] = true
		}
	} else {
		items, xid, err := r.read(ctx, ep)
		if fetch.IsForbidden(err) {
			reason := fmt.Sprintf("skipped %s: the login does not allow it (needs scope %v): %v", ep.Name, ep.Scopes, errors.Unwrap(err))
			r.warn("%s", reason)
			obs.Skip(ep.Name, reason)
			res.states[ep.Name] = endpointState{Skipped: reason, FetchedAt: r.cfg.Now()}
			return res, nil
		}
		if err != nil {
			r.ended(ep.Name, 0, err)
			return res, err
		}
		res.userXID = xid
		if err := r.partial.setUser(xid); err != nil {
			r.ended(ep.Name, 0, err)
			return res, err
		}
		merged, changed, err = r.merge(ep, items)
		if err != nil {
			r.ended(ep.Name, 0, err)
			return res, err
		}
		if ep.Detail != "" {
			if err := r.details(ctx, ep, merged, changed); err != nil {
				r.ended(ep.Name, 0, err)
				return res, err
			}
		}
		if err := r.writeItems(ep.Name, merged); err != nil {
			return res, err
		}
		st := endpointState{Items: len(merged), FetchedAt: r.cfg.Now()}
		for _, it := range merged {
			st.HighWater = max(st.HighWater, it.updated)
			if it.date > 0 {
				res.dates = append(res.dates, strconv.FormatInt(it.date, 10))
			}
			if it.updated == 0 {
				st.LastCreated = max(st.LastCreated, it.time)
			}
			if ep.Incremental == provider.ByDay || ep.Incremental == provider.ByDayReplace {
				st.LastDate = max(st.LastDate, int(it.date))
			}
		}
		res.states[ep.Name] = st
		info := doneInfo{UserXID: xid, State: st, Dates: res.dates}
		if len(ep.DependsOn) > 0 && r.cfg.Since.IsZero() && r.activeDaysWerePartial() {
			// Asked about the days of what its dependencies fetched before
			// one of them failed: not all of its days, so not done.
			obs.Done(ep.Name, len(merged), nil)
			return res, nil
		}
		if ticks != nil {
			for x := range changed {
				info.Changed = append(info.Changed, x)
			}
			slices.Sort(info.Changed)
		}
		if err := r.partial.finish(r.raw, ep.Name, info); err != nil {
			return res, err
		}
		obs.Done(ep.Name, len(merged), nil)
	}
	if ticks != nil {
		obs.Start(ticks.Name)
		n, err := r.fetchTicks(ctx, ep, *ticks, merged, changed)
		r.ended(ticks.Name, n, err)
		if err != nil {
			return res, err
		}
		st := endpointState{Items: n, FetchedAt: r.cfg.Now()}
		res.states[ticks.Name] = st
		if err := r.partial.finish(r.raw, ticks.Name, doneInfo{State: st}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// activeDaysWerePartial tells whether a resource that tells the active
// days failed, so that they lack its days. Call it after activeDaysReady is closed.
func (r *run) activeDaysWerePartial() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.activeDaysPartial
}

// readItems reads the items of a resource's archive file.
func readItems(ep provider.Resource, path string) ([]item, error) {
	var items []item
	err := archive.Each(path, func(line []byte) error {
		it, err := parseItem(ep, bytes.Clone(line))
		items = append(items, it)
		return err
	})
	return items, err
}

// unitKey names a fan-out unit of an item in the journal: a changed item
// is a new unit.
func unitKey(it item) string { return it.id + "@" + strconv.FormatInt(it.updated, 10) }

// ended tells the observer that fetching endpoint is over. An endpoint
// stopped only because another one failed (the run's context is still
// live, the errgroup's is not) did not fail itself: it is reported to an
// observer that implements CancelObserver, and logged, as cancelled.
func (r *run) ended(endpoint string, items int, err error) {
	// Likewise an endpoint stopped by the run's deadline.
	byDeadline := errors.Is(err, context.DeadlineExceeded) && r.ctx != nil && errors.Is(r.ctx.Err(), context.DeadlineExceeded)
	if err != nil && (byDeadline || errors.Is(err, context.Canceled) && r.ctx != nil && r.ctx.Err() == nil) {
		reason := "another endpoint failed"
		if byDeadline {
			reason = "the deadline"
		}
		r.cfg.Logger.Info("cancelled", "endpoint", endpoint, "reason", reason)
		if c, ok := r.cfg.Observer.(CancelObserver); ok {
			c.Cancelled(endpoint)
		}
		return
	}
	r.cfg.Observer.Done(endpoint, items, err)
}

// read fetches what the API holds for ep, as items, and the user the
// answers were about.
func (r *run) read(ctx context.Context, ep provider.Resource) ([]item, string, error) {
	w, err := r.window(ctx, ep)
	if err != nil {
		return nil, "", err
	}
	rd := fetch.Read{Endpoint: ep.Name, Path: ep.Path, Window: w, Units: r.units(ep.Name, recDay)}
	if ep.Query != nil {
		rd.Query = ep.Query(w)
	}
	var items []item
	var user string
	err = ep.Paginator.Paginate(ctx, r.cfg.Client, rd, func(p fetch.Page) error {
		got, err := r.newItems(ep, p.Number, p.Items)
		if err != nil {
			return err
		}
		items = append(items, got...)
		if user == "" {
			user = p.User
		}
		r.cfg.Observer.Page(ep.Name, len(p.Items))
		return nil
	})
	return items, user, err
}

// window is what this run asks of ep: the range, the page size, what the
// export being updated saw of it, and the days its dependencies found.
func (r *run) window(ctx context.Context, ep provider.Resource) (fetch.Window, error) {
	w := fetch.Window{Since: r.cfg.Since, Until: r.cfg.Until, Now: r.cfg.Now(), PageSize: r.cfg.PageSize}
	if ep.Incremental != provider.Whole {
		prev := r.prevState(ep.Name)
		w.Prev = fetch.Cursor{HighWater: prev.HighWater, LastCreated: prev.LastCreated, LastDate: prev.LastDate}
	}
	if len(ep.DependsOn) > 0 && r.cfg.Since.IsZero() {
		select {
		case <-r.activeDaysReady:
		case <-ctx.Done():
			return w, ctx.Err()
		}
		w.Days = r.activeDays
	}
	return w, nil
}

func (r *run) newItems(ep provider.Resource, page int, raws []json.RawMessage) ([]item, error) {
	items := make([]item, 0, len(raws))
	for _, raw := range raws {
		it, err := r.newItem(ep, page, raw)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func (r *run) newItem(ep provider.Resource, page int, raw json.RawMessage) (item, error) {
	raw, err := fetch.Compact(raw)
	if err == nil {
		var it item
		if it, err = parseItem(ep, raw); err == nil {
			return it, nil
		}
	}
	return item{}, &fetch.PageError{Endpoint: ep.Name, Page: page, URL: ep.Path, Err: err}
}

// prevState is what the export being updated remembers of endpoint; zero
// without one, or when its archive file is gone: a high-water mark
// without the items below it would lose them.
func (r *run) prevState(endpoint string) endpointState {
	if _, ok := r.prevArchive(endpoint); !ok {
		return endpointState{}
	}
	return r.prev.Endpoints[endpoint]
}

// prevArchive is the archive file of endpoint in the export being updated,
// compressed or unpacked (see archive.Find).
func (r *run) prevArchive(endpoint string) (string, bool) {
	if r.prev == nil || r.prev.Endpoints[endpoint].Skipped != "" {
		return "", false
	}
	path, err := archive.Find(r.prevDir, endpoint)
	return path, err == nil
}

// merge puts the fetched items together with what the previous archive holds
// (incremental runs), drops repeats of a key (a changed item replaces its
// older version; a server that repeats an item across pages is not
// believed twice) and sorts by time, then id. changed lists the ids that
// were new or different, whose details and children must be fetched.
func (r *run) merge(ep provider.Resource, fetched []item) ([]item, map[string]bool, error) {
	byKey := map[string]int{}
	var out []item
	add := func(it item) bool {
		key := it.mergeKey()
		if i, ok := byKey[key]; ok {
			if it.updated < out[i].updated {
				return false
			}
			out[i] = it
			return true
		}
		byKey[key] = len(out)
		out = append(out, it)
		return true
	}
	var previous map[string]item
	// Incremental resources are asked only for what is recent on an
	// incremental run; the rest of their items come from the archive.
	if path, ok := r.prevArchive(ep.Name); ok && ep.Incremental != provider.Whole {
		previous = map[string]item{}
		err := archive.Each(path, func(line []byte) error {
			it, err := parseItem(ep, bytes.Clone(line))
			if err != nil {
				return err
			}
			add(it)
			previous[it.mergeKey()] = it
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s: previous archive: %w", ep.Name, err)
		}
	}
	changed := map[string]bool{}
	for _, it := range fetched {
		old, seen := previous[it.mergeKey()]
		if seen && old.updated == it.updated && ep.Incremental != provider.ByDayReplace {
			continue // the overlap second: the archived (detailed) copy stays
		}
		if add(it) {
			changed[it.id] = true
		}
	}
	slices.SortStableFunc(out, less)
	return out, changed, nil
}

// details replaces each new or changed item by its detailed object (a
// meal's food items come only with the single meal).
func (r *run) details(ctx context.Context, ep provider.Resource, items []item, changed map[string]bool) error {
	total := 0
	for i := range items {
		if changed[items[i].id] && items[i].id != "" {
			total++
		}
	}
	var done atomic.Int64
	r.cfg.Observer.Fanout(ep.Name, 0, total)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.cfg.Client.Concurrency())
	for i := range items {
		if !changed[items[i].id] || items[i].id == "" {
			continue
		}
		g.Go(func() error {
			defer func() { r.cfg.Observer.Fanout(ep.Name, int(done.Add(1)), total) }()
			path := strings.ReplaceAll(ep.Detail, "{id}", url.PathEscape(items[i].id))
			key := unitKey(items[i])
			data, ok := r.partial.get(ep.Name, recDetail, key)
			if !ok {
				var err error
				var xid string
				if data, xid, err = r.cfg.Client.Get(gctx, ep.Name, path, nil); err != nil {
					return err
				}
				if err := r.partial.setUser(xid); err != nil {
					return err
				}
			}
			it, err := r.newItem(ep, 1, data)
			if err == nil && !ok && it.id == items[i].id {
				err = r.partial.put(ep.Name, recDetail, key, it.raw)
			}
			if err != nil {
				return err
			}
			if it.id != items[i].id {
				return fmt.Errorf("%s: GET %s answered with item %q", ep.Name, path, it.id)
			}
			items[i] = it
			return nil
		})
	}
	return g.Wait()
}

func (r *run) writeItems(endpoint string, items []item) error {
	w, err := archive.Create(archive.Path(r.raw, endpoint))
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := w.Write(it.raw); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// copyArchive brings the archive of an earlier export into this run
// (--from-raw), by hard link where it can.
func (r *run) copyArchive(from string) error {
	st, err := readState(from)
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("--from-raw: %s %w (no %s)", from, ErrNoArchive, stateFile)
	}
	if st.Provider != "" && st.Provider != r.cfg.Provider.Name {
		return fmt.Errorf("--from-raw: %s holds an export of %s: run with --provider %s", from, st.Provider, st.Provider)
	}
	r.state = st
	entries, err := os.ReadDir(from)
	if err != nil {
		return fmt.Errorf("--from-raw: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		src, dst := filepath.Join(from, e.Name()), filepath.Join(r.raw, e.Name())
		if err := os.Link(src, dst); err == nil {
			continue
		}
		if err := copyFile(src, dst); err != nil {
			return fmt.Errorf("--from-raw: %w", err)
		}
	}
	return nil
}

// copyFile streams src into a new file dst: archives of years of ticks are
// hundreds of MB. The copy is 0600, as private as a fetched archive (and
// as the hard link it stands in for).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}
