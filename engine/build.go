package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/schema"
)

// build flattens the run's archive into tables and writes them. It reads
// each archive file twice: once to find fields the schema does not declare
// (so every writer knows all columns before the first row), once to
// flatten.
func (r *run) build(ctx context.Context, start time.Time) ([]export.TableResult, error) {
	type source struct {
		endpoint string
		path     string
		tables   []*schema.Table
	}
	var sources []source
	var all []*schema.Table
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
		d := schema.NewDiscoverer(ep.Name, r.cfg.Schema)
		if err := archive.Each(path, d.Item); err != nil {
			return nil, fmt.Errorf("%s: %w", ep.Name, err)
		}
		tables := d.Tables()
		for _, t := range tables {
			for _, c := range t.Columns {
				if c.Extra {
					r.warn("%s: column %s is not in the schema; exported as %s, inferred from the data", t.Name, c.Name, c.Type)
				}
			}
		}
		sources = append(sources, source{ep.Name, path, tables})
		all = append(all, tables...)
	}
	opts := r.cfg.Export
	opts.Provenance = r.provenance(start)
	sink, err := export.NewSink(r.out.tmp, all, opts)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			sink.Abort()
		}
	}()
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := schema.NewFlattener(s.endpoint, r.userXID(), s.tables, r.cfg.Schema, sink.Write)
		if err != nil {
			return nil, err
		}
		if err := archive.Each(s.path, f.Item); err != nil {
			return nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		if err := f.Flush(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.endpoint, err)
		}
		// The endpoint's tables are complete: free their writers' buffers.
		names := make([]string, len(s.tables))
		for i, t := range s.tables {
			names[i] = t.Name
		}
		if err := sink.Finish(names...); err != nil {
			return nil, err
		}
		if n := f.Stats().LenientNulls; n > 0 {
			r.warn("%s: %d values contradicted their column's type and were exported as null (--lenient)", s.endpoint, n)
		}
	}
	results, err := sink.Close()
	if err != nil {
		return nil, err
	}
	ok = true
	return results, nil
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
