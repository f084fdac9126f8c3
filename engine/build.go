package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
	"github.com/upexport/upexport/schema/common"
)

// buildSource is one endpoint's archive file and the tables it fills.
type buildSource struct {
	endpoint string
	path     string
	tables   []*schema.Table
}

// errUndeclared stops the first build pass at a field the schema does not
// declare.
var errUndeclared = errors.New("fields not in the schema")

// build flattens the run's archive into tables and writes them. Every
// writer must know all columns before the first row, including one per
// field the schema does not declare; such fields are rare, so the first
// pass flattens with the declared tables alone and is the only one when it
// meets none. Otherwise its output is dropped, a discovery pass over each
// archive file finds the undeclared fields, and a second pass flattens with
// their columns.
func (r *run) build(ctx context.Context, start time.Time) ([]export.TableResult, error) {
	var sources []buildSource
	for _, ep := range r.endpointsToBuild() {
		// The archive may be compressed (as fetched) or unpacked
		// (endpoint.jsonl, from --from-raw of an unpacked archive).
		path, err := archive.Find(r.raw, ep.Name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // skipped: not allowed by the login's scopes
		}
		if err != nil {
			return nil, err
		}
		// A Discoverer that saw nothing returns the declared tables.
		tables := r.cfg.Provider.Tables.NewDiscoverer(ep.Name, r.cfg.Schema).Tables()
		sources = append(sources, buildSource{ep.Name, path, tables})
	}
	results, warnings, err := r.flattenAll(ctx, start, sources, true)
	if !errors.Is(err, errUndeclared) {
		if err != nil {
			return nil, err
		}
		r.warnAll(warnings, results)
		return results, nil
	}

	for i, s := range sources {
		tables, err := discover(ctx, r.cfg.Provider.Tables, s.path, s.endpoint, r.cfg.Schema)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		for _, t := range tables {
			for _, c := range t.Columns {
				if c.Extra {
					r.warn("%s: column %s is not in the schema; exported as %s, inferred from the data", t.Name, c.Name, c.Type)
				}
			}
		}
		sources[i].tables = tables
	}
	results, warnings, err = r.flattenAll(ctx, start, sources, false)
	if err != nil {
		return nil, err
	}
	r.warnAll(warnings, results)
	return results, nil
}

// warnAll logs the flattening warnings and those of the writers (a text cut
// to fit an Excel cell), which the tables' manifest entries hold too: every
// warning is printed, counted and in the manifest's top-level list.
func (r *run) warnAll(warnings []string, results []export.TableResult) {
	for _, w := range warnings {
		r.warn("%s", w)
	}
	for _, t := range results {
		for _, w := range t.Warnings {
			r.warn("%s", w)
		}
	}
}

// flattenAll flattens every source into one Sink and closes it. With
// declaredOnly it stops with errUndeclared, leaving nothing written, as
// soon as an endpoint had a field its tables have no column for. The
// warnings are returned, not logged, as the pass may be dropped.
func (r *run) flattenAll(ctx context.Context, start time.Time, sources []buildSource, declaredOnly bool) ([]export.TableResult, []string, error) {
	var all []*schema.Table
	for _, s := range sources {
		all = append(all, s.tables...)
	}
	// The common tables are filled from the provider's rows as they are
	// written; the sink is the only writer, so they go through it too.
	var sink *export.Sink
	var commons *common.Builder
	write := func(b *schema.Batch) error { return sink.Write(b) }
	if r.cfg.Common {
		commons = common.NewBuilder(r.cfg.Provider.Name, r.userXID(), r.cfg.Provider.Common, write)
		all = append(all, commons.Tables()...)
		write = func(b *schema.Batch) error {
			if err := commons.Observe(b); err != nil {
				return err
			}
			return sink.Write(b)
		}
	}
	opts := r.cfg.Export
	opts.Provenance = r.provenance(start)
	sink, err := export.NewSink(r.out.tmp, all, opts)
	if err != nil {
		return nil, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			sink.Abort()
		}
	}()
	// Each Parquet file is encoded on a goroutine of its own, which keeps
	// about one core busy; flattening gets the others (measured on 2 cores:
	// two flatten workers beside the encoder only added GC and copying).
	workers := runtime.GOMAXPROCS(0)
	if opts.Format == export.Parquet {
		workers--
	}
	prev, known, err := readPrevDigests(r.out.path)
	if err != nil {
		return nil, nil, err
	}
	next := digests{}
	var trackers []*changeTracker
	var warnings []string
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		tr := newChangeTracker(prev[s.endpoint])
		ep, _ := r.cfg.Provider.Lookup(s.endpoint)
		tr.object = singleObject(ep)
		trackers = append(trackers, tr)
		next[s.endpoint] = tr.next
		st, err := flattenTracked(ctx, r.cfg.Provider.Tables, s.path, s.endpoint, r.userXID(), s.tables, r.cfg.Schema, workers, write, tr)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		if declaredOnly && len(st.UnknownFields) > 0 {
			return nil, nil, errUndeclared
		}
		// The endpoint's tables are complete: free their writers' buffers.
		names := make([]string, len(s.tables))
		for i, t := range s.tables {
			names[i] = t.Name
		}
		if err := sink.Finish(names...); err != nil {
			return nil, nil, err
		}
		if n := st.LenientNulls; n > 0 {
			warnings = append(warnings, fmt.Sprintf(
				"%s: %d values contradicted their column's type and were exported as null (--lenient)", s.endpoint, n))
		}
		for _, z := range slices.Sorted(maps.Keys(st.UnresolvedZones)) {
			// Without a zone there is no offset: tz_offset is null, and an
			// hour key with no other zone in force is read as UTC.
			warnings = append(warnings, fmt.Sprintf(
				"%s: time zone %q (%d values) is not recognised: its tz_offset is null, and hourly keys with no other zone are read as UTC",
				s.endpoint, z, st.UnresolvedZones[z]))
		}
		for _, col := range slices.Sorted(maps.Keys(st.InvalidUTF8)) {
			warnings = append(warnings, fmt.Sprintf(
				"%s: %d texts were not valid UTF-8; their invalid bytes were replaced by U+FFFD (--strict-schema stops instead)",
				col, st.InvalidUTF8[col]))
		}
	}
	if commons != nil {
		if err := commons.Close(); err != nil {
			return nil, nil, fmt.Errorf("common tables: %w", err)
		}
	}
	results, err := sink.Close()
	if err != nil {
		return nil, nil, err
	}
	if known {
		setChanges(results, trackers)
	}
	if err := writeDigests(r.raw, next); err != nil {
		return nil, nil, fmt.Errorf("change digests: %w", err)
	}
	ok = true
	return results, warnings, nil
}

// endpointsToBuild is the selection, or with --from-raw every endpoint the
// archive holds.
func (r *run) endpointsToBuild() []provider.Resource {
	if len(r.cfg.Resources) > 0 {
		return r.cfg.Resources
	}
	var eps []provider.Resource
	for _, ep := range r.cfg.Provider.Resources {
		if _, ok := r.state.Endpoints[ep.Name]; ok {
			eps = append(eps, ep)
		}
	}
	return eps
}

// singleObject reports whether the resource is one object (a profile),
// which may have no id: its one archive line is that object.
func singleObject(ep provider.Resource) bool {
	s, ok := ep.Paginator.(*fetch.Single)
	return ok && s.Items == ""
}

func (r *run) userXID() string {
	if r.state != nil && r.state.UserXID != "" {
		return r.state.UserXID
	}
	return r.cfg.User
}
