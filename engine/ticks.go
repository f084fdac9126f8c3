package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/provider"
)

// The archive of a tick endpoint holds one line per parent item, in the
// parents' order: {"parent_xid":"X","items":[...ticks as the API sent them]}.
var tickLinePrefix = []byte(`{"parent_xid":`)

// fetchTicks writes the ticks of every parent into the archive, in the
// parents' order. Parents that are new or changed are fetched, with up to
// Concurrency requests in flight and a bounded number of finished groups
// waiting to be written, so memory stays flat however many there are.
// Unchanged parents keep the ticks of the previous archive.
func (r *run) fetchTicks(ctx context.Context, parentEp, ep provider.Resource, parents []item, changed map[string]bool) (int, error) {
	reuse, err := r.reusableTicks(ep, parents, changed)
	if err != nil {
		return 0, err
	}
	w, err := archive.Create(archive.Path(r.raw, ep.Name))
	if err != nil {
		return 0, err
	}
	// Every goroutine started here ends before this returns (the deferred
	// cancel runs first, then the wait): none may write to the partial
	// run's journal after the run has ended.
	var running sync.WaitGroup
	defer running.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type group struct {
		done chan struct{}
		line []byte
		err  error
	}
	window := 2 * r.cfg.Client.Concurrency()
	queue := make(chan *group, window)
	running.Add(1)
	go func() {
		defer running.Done()
		defer close(queue)
		slots := make(chan struct{}, window) // bounds fetches running at once
		for _, p := range parents {
			if reuse[p.id] {
				continue
			}
			g := &group{done: make(chan struct{})}
			select {
			case queue <- g: // blocks while the writer lags: the memory bound
			case <-ctx.Done():
				return
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			running.Add(1)
			go func() {
				defer running.Done()
				defer func() { <-slots }()
				key := unitKey(p)
				if line, ok := r.partial.get(ep.Name, recTick, key); ok {
					g.line = line
				} else if g.line, g.err = r.tickGroup(ctx, parentEp, ep, p.id); g.err == nil {
					g.err = r.partial.put(ep.Name, recTick, key, g.line)
				}
				close(g.done)
			}()
		}
	}()

	var old *archive.Reader
	if len(reuse) > 0 {
		path, _ := r.prevArchive(ep.Name) // reuse is empty without one
		if old, err = archive.Open(path); err != nil {
			w.Abort()
			return 0, err
		}
		defer old.Close()
	}
	ticks := 0
	r.cfg.Observer.Fanout(ep.Name, 0, len(parents))
	for i, p := range parents {
		var line []byte
		if reuse[p.id] {
			line, err = nextGroup(old, p.id)
		} else {
			g, ok := <-queue
			if !ok {
				err = ctx.Err()
			} else {
				select {
				case <-g.done:
					line, err = g.line, g.err
				case <-ctx.Done():
					err = ctx.Err()
				}
			}
		}
		if err == nil {
			err = w.Write(line)
		}
		if err != nil {
			w.Abort()
			return 0, err
		}
		n := countTicks(line)
		ticks += n
		r.cfg.Observer.Page(ep.Name, n)
		r.cfg.Observer.Fanout(ep.Name, i+1, len(parents))
	}
	return ticks, w.Close()
}

// tickGroup fetches every page of one parent's ticks into an archive line.
func (r *run) tickGroup(ctx context.Context, parentEp, ep provider.Resource, xid string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(tickLinePrefix)
	q, _ := json.Marshal(xid)
	buf.Write(q)
	buf.WriteString(`,"items":[`)
	n := 0
	rd := fetch.Read{Endpoint: ep.Name, Path: ep.ChildPath(xid), Window: r.childWindow()}
	if ep.Query != nil {
		rd.Query = ep.Query(rd.Window)
	}
	err := ep.Paginator.Paginate(ctx, r.cfg.Client, rd, func(p fetch.Page) error {
		if err := r.partial.setUser(p.User); err != nil {
			return err
		}
		for _, t := range p.Items {
			t, err := fetch.Compact(t)
			if err != nil {
				return &fetch.PageError{Endpoint: ep.Name, Page: p.Number, URL: p.URL, Err: err}
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			buf.Write(t)
			n++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ticks of %s %s: %w", parentEp.Name, xid, err)
	}
	buf.WriteString("]}")
	return buf.Bytes(), nil
}

// reusableTicks decides which parents keep the ticks of the previous archive:
// those unchanged whose group appears there in the same relative order (the
// previous file is read once, front to back, while writing).
func (r *run) reusableTicks(ep provider.Resource, parents []item, changed map[string]bool) (map[string]bool, error) {
	reuse := map[string]bool{}
	path, ok := r.prevArchive(ep.Name)
	if !ok || r.prev.Endpoints[ep.Name].FetchedAt.IsZero() {
		return reuse, nil
	}
	pos := map[string]int{}
	n := 0
	err := archive.Each(path, func(line []byte) error {
		xid, err := groupXID(line)
		if err != nil {
			return err
		}
		pos[xid] = n
		n++
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return reuse, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: previous archive: %w", ep.Name, err)
	}
	next := 0
	for _, p := range parents {
		if i, ok := pos[p.id]; ok && !changed[p.id] && i >= next {
			reuse[p.id] = true
			next = i + 1
		}
	}
	return reuse, nil
}

// nextGroup reads the previous archive forward to the group of xid.
func nextGroup(old *archive.Reader, xid string) ([]byte, error) {
	for {
		line, err := old.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("previous ticks archive has no group for %s", xid)
		}
		if err != nil {
			return nil, err
		}
		got, err := groupXID(line)
		if err != nil {
			return nil, err
		}
		if got == xid {
			return bytes.Clone(line), nil
		}
	}
}

// groupXID reads the parent xid at the front of a tick group line.
func groupXID(line []byte) (string, error) {
	rest, ok := bytes.CutPrefix(line, tickLinePrefix)
	if !ok || len(rest) == 0 || rest[0] != '"' {
		return "", fmt.Errorf("not a tick group: %.60s", line)
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return "", fmt.Errorf("not a tick group: %.60s", line)
	}
	var xid string
	if err := json.Unmarshal(rest[:end+2], &xid); err != nil {
		return "", fmt.Errorf("tick group parent: %w", err)
	}
	return xid, nil
}

// countTicks counts the ticks of a group line without decoding them all:
// each tick is an object directly inside the items array.
func countTicks(line []byte) int {
	i := bytes.Index(line, []byte(`"items":[`))
	if i < 0 {
		return 0
	}
	depth, n, inStr, esc := 0, 0, false, false
	for _, c := range line[i+len(`"items":[`):] {
		switch {
		case esc:
			esc = false
		case inStr:
			if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			if depth == 0 {
				n++
			}
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return n
			}
			depth--
		}
	}
	return n
}

// childWindow is the window of a child resource's reads: children are read
// whole for each parent.
func (r *run) childWindow() fetch.Window {
	return fetch.Window{Since: r.cfg.Since, Until: r.cfg.Until, Now: r.cfg.Now(), PageSize: r.cfg.PageSize}
}
