package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/schema"
)

// lineChunk is a run of consecutive archive lines, handed to one worker.
type lineChunk struct {
	first int    // line number of the first line, from 1
	buf   []byte // the lines, back to back
	ends  []int  // end of each line in buf

	// readErr ends the file after these lines; their own errors come
	// first.
	readErr error

	// Set by the worker before done is closed.
	batches []*schema.Batch
	err     error
	done    chan struct{}
}

// lines calls fn for each line of the chunk with its line number.
func (c *lineChunk) lines(fn func(n int, line []byte) error) error {
	start := 0
	for i, end := range c.ends {
		if err := fn(c.first+i, c.buf[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// chunkBytes is about how much of an archive file one chunk holds: enough
// to amortise the hand-offs, little enough to keep every core busy on the
// smaller files.
const chunkBytes = 1 << 20

// eachChunk reads the archive file at path in chunks and runs work on each
// of them on one of workers goroutines (work is told which, so it can own
// per-worker state). inOrder, if not nil, then receives the chunks in file order on
// one goroutine. An error is the one of the earliest chunk that has one,
// as a sequential pass would report: a worker's chunks come to it in file
// order, so a worker whose state an error spoiled sees only later chunks.
// At most a few chunks per worker are in flight, which bounds memory.
func eachChunk(ctx context.Context, path string, workers int, work func(worker int, c *lineChunk) error, inOrder func(c *lineChunk) error) error {
	rd, err := archive.Open(path)
	if err != nil {
		return err
	}
	defer rd.Close()

	g, gctx := errgroup.WithContext(ctx)
	todo := make(chan *lineChunk, workers)
	order := make(chan *lineChunk, workers)
	// Chunks done with come back for reuse: fewer fresh megabytes to
	// allocate and clear.
	spare := make(chan *lineChunk, workers+2)
	next := func(first int) *lineChunk {
		select {
		case c := <-spare:
			*c = lineChunk{first: first, buf: c.buf[:0], ends: c.ends[:0], batches: c.batches[:0], done: make(chan struct{})}
			return c
		default:
			return &lineChunk{first: first, buf: make([]byte, 0, chunkBytes+chunkBytes/4), done: make(chan struct{})}
		}
	}
	send := func(c *lineChunk) error {
		for _, ch := range []chan *lineChunk{order, todo} {
			select {
			case ch <- c:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	}
	g.Go(func() error {
		defer close(todo)
		defer close(order)
		c := next(1)
		for {
			line, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				c.readErr = err
				return send(c)
			}
			c.buf = append(c.buf, line...)
			c.ends = append(c.ends, len(c.buf))
			if len(c.buf) >= chunkBytes {
				if err := send(c); err != nil {
					return err
				}
				c = next(rd.Line() + 1)
			}
		}
		if len(c.ends) == 0 {
			return nil
		}
		return send(c)
	})
	for w := range workers {
		g.Go(func() error {
			for c := range todo {
				if c.err = work(w, c); c.err == nil {
					c.err = c.readErr
				}
				close(c.done)
			}
			return nil
		})
	}
	g.Go(func() error {
		for c := range order {
			select {
			case <-c.done:
			case <-gctx.Done():
				return gctx.Err()
			}
			if c.err != nil {
				return c.err
			}
			if inOrder != nil {
				if err := inOrder(c); err != nil {
					return err
				}
			}
			select {
			case spare <- c:
			default:
			}
		}
		return nil
	})
	return g.Wait()
}

// lineError places an item's error at its endpoint and item number (its
// line in the archive), as archive.Each does; the archive file itself is
// a temporary one the user never sees.
func lineError(path string, n int, err error) error {
	return fmt.Errorf("%s item %d: %w", archive.Endpoint(path), n, err)
}

// warnOnce makes opts.Warn safe for several goroutines and keeps each
// message to one warning, as one Flattener or Discoverer would.
func warnOnce(opts schema.Options) schema.Options {
	if opts.Warn == nil {
		return opts
	}
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
	return opts
}

// discover is the discovery pass over one archive file of an endpoint of
// cat. Inspecting an item costs a full JSON parse, so it runs on every
// core, one Discoverer per worker; they are merged after (what is found
// does not depend on order).
func discover(ctx context.Context, cat *schema.Catalog, path, endpoint string, opts schema.Options) ([]*schema.Table, error) {
	opts = warnOnce(opts)
	ds := make([]*schema.Discoverer, max(1, runtime.GOMAXPROCS(0)))
	for i := range ds {
		ds[i] = cat.NewDiscoverer(endpoint, opts)
	}
	err := eachChunk(ctx, path, len(ds), func(w int, c *lineChunk) error {
		return c.lines(func(n int, line []byte) error {
			if err := ds[w].Item(line); err != nil {
				return lineError(path, n, err)
			}
			return nil
		})
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, d := range ds[1:] {
		if err := ds[0].Merge(d); err != nil {
			return nil, err
		}
	}
	return ds[0].Tables(), nil
}

// flattenFile flattens one archive file into write. With more than one
// worker each worker's Flattener turns a chunk into batches (copied, as a
// Flattener reuses its own), and write receives them in file order, so the
// tables are exactly those of one sequential Flattener. It returns the
// summed statistics of the workers.
func flattenFile(ctx context.Context, cat *schema.Catalog, path, endpoint, userXID string, tables []*schema.Table, opts schema.Options, workers int, write func(*schema.Batch) error) (schema.Stats, error) {
	return flattenTracked(ctx, cat, path, endpoint, userXID, tables, opts, workers, write, nil)
}

// flattenTracked is flattenFile that also counts each table's rows as
// added, changed or unchanged in tr, when tr is not nil.
func flattenTracked(ctx context.Context, cat *schema.Catalog, path, endpoint, userXID string, tables []*schema.Table, opts schema.Options, workers int, write func(*schema.Batch) error, tr *changeTracker) (schema.Stats, error) {
	if workers <= 1 {
		// Nothing to overlap: no chunks, no copies.
		f, err := cat.NewFlattener(endpoint, userXID, tables, opts, write)
		if err != nil {
			return schema.Stats{}, err
		}
		l := tr.lane()
		err = archive.Each(path, func(line []byte) error {
			if err := ctx.Err(); err != nil {
				return err // Ctrl-C need not wait for the whole file
			}
			return l.item(f, line)
		})
		if err != nil {
			return schema.Stats{}, err
		}
		l.done()
		return f.Stats(), f.Flush()
	}
	opts = warnOnce(opts)
	fs := make([]*schema.Flattener, workers)
	lanes := make([]*lane, workers)
	current := make([]*lineChunk, len(fs)) // the chunk worker i fills
	// Written batches are reused for later copies: a ten-year tick file
	// would otherwise allocate gigabytes of them.
	free := map[string]*sync.Pool{}
	for _, t := range cat.Tables(endpoint) {
		free[t.Name] = &sync.Pool{}
	}
	for i := range fs {
		f, err := cat.NewFlattener(endpoint, userXID, tables, opts, func(b *schema.Batch) error {
			pool := free[b.Table.Name]
			dst, _ := pool.Get().(*schema.Batch)
			if dst == nil {
				dst = schema.NewBatch(b.Table, b.Len)
			}
			b.CopyTo(dst)
			current[i].batches = append(current[i].batches, dst)
			return nil
		})
		if err != nil {
			return schema.Stats{}, err
		}
		fs[i] = f
		lanes[i] = tr.lane()
	}
	err := eachChunk(ctx, path, workers, func(w int, c *lineChunk) error {
		current[w] = c
		err := c.lines(func(n int, line []byte) error {
			if err := lanes[w].item(fs[w], line); err != nil {
				return lineError(path, n, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// The chunk's rows end here, so they go out in its turn.
		return fs[w].Flush()
	}, func(c *lineChunk) error {
		for _, b := range c.batches {
			if err := write(b); err != nil {
				return err
			}
			free[b.Table.Name].Put(b)
		}
		return nil
	})
	if err != nil {
		return schema.Stats{}, err
	}
	for _, l := range lanes {
		l.done()
	}
	total := fs[0].Stats()
	for _, f := range fs[1:] {
		total.Add(f.Stats())
	}
	return total, nil
}
