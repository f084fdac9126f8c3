package engine

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// endpointFailure is an endpoint that failed in a KeepGoing run.
type endpointFailure struct {
	ep    provider.Resource
	ticks *provider.Resource // its child resource, if selected: it failed with it
	err   error
}

// keepPrevious settles the endpoints that failed in a KeepGoing run. Each
// keeps the archive of the export in Out, when that export is of the same
// API, user and date range, so its tables are rebuilt from it and marked
// stale; without one it is recorded as failed and gets no tables. Either
// way the run warns.
func (r *run) keepPrevious(failures []endpointFailure) error {
	if len(failures) == 0 {
		return nil
	}
	prevDir := filepath.Join(r.out.path, rawDir)
	prev := r.prev
	if prev == nil {
		p, err := readState(prevDir)
		switch {
		case err != nil:
			r.warn("keep-going: the earlier export's archive state is unreadable, so nothing of it is kept: %v", err)
		case p != nil && p.Version == stateVersion && p.APIURL == r.cfg.APIURL &&
			dateRange(p.Since, p.Until) == dateRange(&r.cfg.Since, &r.cfg.Until):
			prev = p
		}
	}
	if prev != nil && prev.UserXID != "" && r.state.UserXID != "" && prev.UserXID != r.state.UserXID {
		prev = nil
	}
	slices.SortFunc(failures, func(a, b endpointFailure) int { return cmp.Compare(a.ep.Name, b.ep.Name) })
	if r.failed == nil {
		r.failed = map[string]string{}
	}
	for _, f := range failures {
		reason := f.err.Error()
		names := []string{f.ep.Name}
		if f.ticks != nil {
			names = append(names, f.ticks.Name)
		}
		for _, name := range names {
			r.failed[name] = reason
			kept, err := r.keepArchive(prev, prevDir, name)
			if err != nil {
				return fmt.Errorf("keep-going: %s: %w", name, err)
			}
			if kept != nil {
				st := *kept
				st.Stale = true
				r.state.Endpoints[name] = st
				r.warn("%s failed (%s); its tables are kept from the export of %s", name, reason, st.FetchedAt.UTC().Format(time.RFC3339))
				continue
			}
			r.state.Endpoints[name] = endpointState{Failed: reason, FetchedAt: r.cfg.Now()}
			r.warn("%s failed (%s); no earlier export holds it, so it has no tables", name, reason)
		}
	}
	return nil
}

// keepArchive puts the archive file of endpoint from the earlier export
// into this run's archive, replacing whatever the failed fetch left, and
// returns the earlier state of the endpoint; nil when there is none.
func (r *run) keepArchive(prev *state, prevDir, endpoint string) (*endpointState, error) {
	if path, err := archive.Find(r.raw, endpoint); err == nil {
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	if prev == nil {
		return nil, nil
	}
	st, ok := prev.Endpoints[endpoint]
	if !ok || st.Skipped != "" || st.Failed != "" {
		return nil, nil
	}
	src, err := archive.Find(prevDir, endpoint)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(r.raw, filepath.Base(src))
	if err := os.Link(src, dst); err != nil {
		if err := copyFile(src, dst); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// tableStatus sets each table's status for the manifest: complete, stale
// since when its items were fetched, or failed with the reason (these
// tables have no files), in catalog order.
func (r *run) tableStatus(tables []export.TableResult) []export.TableResult {
	endpointOf := map[string]string{}
	order := map[string]int{}
	for i, ep := range r.cfg.Provider.Resources {
		order[ep.Name] = i
		for _, t := range r.tablesOf(ep.Name) {
			endpointOf[t.Name] = ep.Name
		}
	}
	// A common table holds the rows of every endpoint its mappings read.
	sources := map[string][]string{}
	for _, m := range r.cfg.Provider.Common {
		if ep := endpointOf[m.From]; ep != "" && !slices.Contains(sources[m.To], ep) {
			sources[m.To] = append(sources[m.To], ep)
		}
	}
	for i := range tables {
		tables[i].Status = "complete"
		if st := r.endpointState(endpointOf[tables[i].Name]); st.Stale {
			tables[i].Status = "stale since " + st.FetchedAt.UTC().Format(time.RFC3339)
		}
		if eps, ok := sources[tables[i].Name]; ok {
			tables[i].Status = r.commonStatus(eps)
		}
	}
	for _, ep := range r.cfg.Provider.Resources {
		st := r.endpointState(ep.Name)
		if st.Failed == "" {
			continue
		}
		for _, t := range r.tablesOf(ep.Name) {
			res := export.Describe(t)
			res.Status = "failed: " + st.Failed
			tables = append(tables, res)
		}
	}
	slices.SortStableFunc(tables, func(a, b export.TableResult) int {
		return cmp.Compare(order[endpointOf[a.Name]], order[endpointOf[b.Name]])
	})
	return tables
}

// commonStatus is the status of a common table filled from the endpoints
// eps (in resource order): partial when one of them failed and gave no
// rows, stale since the oldest fetch when some gave kept rows.
func (r *run) commonStatus(eps []string) string {
	var oldest time.Time
	for _, ep := range eps {
		st := r.endpointState(ep)
		switch {
		case st.Failed != "":
			return "partial: " + ep + " failed: " + st.Failed
		case st.Stale && (oldest.IsZero() || st.FetchedAt.Before(oldest)):
			oldest = st.FetchedAt
		}
	}
	if oldest.IsZero() {
		return "complete"
	}
	return "stale since " + oldest.UTC().Format(time.RFC3339)
}

func (r *run) endpointState(name string) endpointState {
	if r.state == nil {
		return endpointState{}
	}
	return r.state.Endpoints[name]
}

// failedEndpoints is what failed in this run (KeepGoing), by endpoint.
func (r *run) failedEndpoints() map[string]string {
	if len(r.failed) == 0 {
		return nil
	}
	return r.failed
}

// tablesOf is the declared tables of a resource.
func (r *run) tablesOf(resource string) []*schema.Table {
	return r.cfg.Provider.Tables.Tables(resource)
}
