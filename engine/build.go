package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/schema"
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
		tables := schema.NewDiscoverer(ep.Name, r.cfg.Schema).Tables()
		sources = append(sources, buildSource{ep.Name, path, tables})
	}
	results, warnings, err := r.flattenAll(ctx, start, sources, true)
	if !errors.Is(err, errUndeclared) {
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			r.warn("%s", w)
		}
		return results, nil
	}

	for i, s := range sources {
		tables, err := discover(ctx, s.path, s.endpoint, r.cfg.Schema)
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
	for _, w := range warnings {
		r.warn("%s", w)
	}
	return results, nil
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
	var warnings []string
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		f, err := schema.NewFlattener(s.endpoint, r.userXID(), s.tables, r.cfg.Schema, sink.Write)
		if err != nil {
			return nil, nil, err
		}
		if err := archive.Each(s.path, f.Item); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		if err := f.Flush(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		st := f.Stats()
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
	}
	results, err := sink.Close()
	if err != nil {
		return nil, nil, err
	}
	ok = true
	return results, warnings, nil
}

// endpointsToBuild is the selection, or with --from-raw every endpoint the
// archive holds.
func (r *run) endpointsToBuild() []fetch.Endpoint {
	if len(r.cfg.Endpoints) > 0 {
		return r.cfg.Endpoints
	}
	var eps []fetch.Endpoint
	for _, ep := range fetch.Catalog() {
		if _, ok := r.state.Endpoints[ep.Name]; ok {
			eps = append(eps, ep)
		}
	}
	return eps
}

func (r *run) userXID() string {
	if r.state != nil {
		return r.state.UserXID
	}
	return ""
}

// discoverChunk is a run of consecutive archive lines, for a discovery
// worker.
type discoverChunk struct {
	first int    // line number of the first line, from 1
	buf   []byte // the lines, back to back
	ends  []int  // end of each line in buf
}

// discoverChunkBytes is about how much of the archive one chunk holds.
const discoverChunkBytes = 1 << 20

// discover is the discovery pass over one archive file. Inspecting an item
// costs a full JSON parse, so it runs on every core: this goroutine reads
// the lines in chunks, one Discoverer per worker inspects them, and the
// Discoverers are merged (what is found does not depend on the order). An
// error is reported for the earliest line that has one, as a sequential
// pass would.
func discover(ctx context.Context, path, endpoint string, opts schema.Options) ([]*schema.Table, error) {
	if opts.Warn != nil {
		// Each worker would warn about a field it meets first.
		var mu sync.Mutex
		seen := map[string]bool{}
		warn := opts.Warn
		opts.Warn = func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			if !seen[msg] {
				seen[msg] = true
				warn(msg)
			}
		}
	}
	rd, err := archive.Open(path)
	if err != nil {
		return nil, err
	}
	defer rd.Close()

	workers := max(1, runtime.GOMAXPROCS(0))
	todo := make(chan *discoverChunk, workers)
	free := make(chan *discoverChunk, 2*workers+1)
	ds := make([]*schema.Discoverer, workers)
	type lineErr struct {
		line int
		err  error
	}
	errs := make([]lineErr, workers)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		d := schema.NewDiscoverer(endpoint, opts)
		ds[w] = d
		wg.Go(func() {
			for c := range todo {
				start := 0
				for i, end := range c.ends {
					if errs[w].err != nil {
						break
					}
					if err := d.Item(c.buf[start:end]); err != nil {
						errs[w] = lineErr{c.first + i, err}
						failed.Store(true)
					}
					start = end
				}
				select {
				case free <- c:
				default:
				}
			}
		})
	}

	// Every chunk sent before a worker failed is still inspected, so the
	// earliest failing line is among those reported.
	var readErr error
	c := &discoverChunk{first: 1}
	for !failed.Load() {
		if readErr = ctx.Err(); readErr != nil {
			break
		}
		line, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		c.buf = append(c.buf, line...)
		c.ends = append(c.ends, len(c.buf))
		if len(c.buf) >= discoverChunkBytes {
			next := rd.Line() + 1
			todo <- c
			select {
			case c = <-free:
				c.buf, c.ends = c.buf[:0], c.ends[:0]
			default:
				c = &discoverChunk{}
			}
			c.first = next
		}
	}
	// A line cut short comes after the lines read whole, whose own errors
	// come first.
	if len(c.ends) > 0 && ctx.Err() == nil && !failed.Load() {
		todo <- c
	}
	close(todo)
	wg.Wait()

	first := lineErr{}
	for _, e := range errs {
		if e.err != nil && (first.err == nil || e.line < first.line) {
			first = e
		}
	}
	if first.err != nil {
		return nil, fmt.Errorf("%s line %d: %w", filepath.Base(path), first.line, first.err)
	}
	if readErr != nil {
		return nil, readErr
	}
	for _, d := range ds[1:] {
		if err := ds[0].Merge(d); err != nil {
			return nil, err
		}
	}
	return ds[0].Tables(), nil
}
