package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/upexport/upexport/internal/fsutil"
	"github.com/valyala/fastjson"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/schema"
	"github.com/upexport/upexport/schema/common"
)

// digestFile, in the archive directory, holds one hash per archive line,
// keyed by endpoint and item key. The next run compares its own lines with
// it to tell which rows are added, changed or unchanged: a few bytes per
// item, so it is read at once however large the archive is, and the previous
// archive need not be decompressed again (ticks are hundreds of MB).
const digestFile = "digests.json"

// Kinds of row change, in RowChanges order.
const (
	rowAdded = iota
	rowChanged
	rowUnchanged
)

// digests maps endpoint -> item key -> xxhash of the archive line.
type digests map[string]map[string]uint64

// readPrevDigests reads the digests of the export in dir. known is false
// when dir holds an export that recorded none (written by an older
// version): then nothing can be said about changes. A directory that is not
// an export (or is missing: a CI cache that was lost) gives empty digests,
// so every row counts as added.
func readPrevDigests(dir string) (d digests, known bool, err error) {
	isExport, err := export.IsExportDir(dir)
	if err != nil {
		return nil, false, err
	}
	if !isExport {
		return digests{}, true, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, rawDir, digestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		// A damaged file only costs the change counts, not the export.
		return nil, false, nil
	}
	return d, true, nil
}

func writeDigests(rawDir string, d digests) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	// Not os.WriteFile: --from-raw hard-links the archive it copies, and
	// truncating the link would change the source export.
	return fsutil.WriteFile(filepath.Join(rawDir, digestFile), b, 0o644)
}

// changeTracker classifies the lines of one archive file against the
// previous export's digests and counts each table's rows by the class of
// the line that made them. Each flatten worker has its own lane.
type changeTracker struct {
	// object: the endpoint is one object (user, goals, settings), which may
	// have no xid; its one line is that object, changed or not.
	object bool
	prev   map[string]uint64
	mu     sync.Mutex
	next   map[string]uint64
	count  map[string]*[3]int64
}

func newChangeTracker(prev map[string]uint64) *changeTracker {
	return &changeTracker{prev: prev, next: map[string]uint64{}, count: map[string]*[3]int64{}}
}

// lane is one worker's share: nothing shared while lines are flattened.
type lane struct {
	t             *changeTracker
	before, after map[string]int64
	next          map[string]uint64
	count         map[string]*[3]int64
}

// lane returns nil for a nil tracker: a nil lane only flattens.
func (t *changeTracker) lane() *lane {
	if t == nil {
		return nil
	}
	return &lane{t: t, before: map[string]int64{}, after: map[string]int64{}, next: map[string]uint64{}, count: map[string]*[3]int64{}}
}

// item flattens line through f and counts the rows it made.
func (l *lane) item(f *schema.Flattener, line []byte) error {
	if l == nil {
		return f.Item(line)
	}
	h := xxhash.Sum64(line)
	key := "object"
	if !l.t.object {
		key = lineKey(line, h)
	}
	kind := rowAdded
	if old, ok := l.t.prev[key]; ok {
		kind = rowChanged
		if old == h {
			kind = rowUnchanged
		}
	}
	l.next[key] = h
	f.RowCounts(l.before)
	if err := f.Item(line); err != nil {
		return err
	}
	f.RowCounts(l.after)
	for name, n := range l.after {
		if d := n - l.before[name]; d > 0 {
			c := l.count[name]
			if c == nil {
				c = new([3]int64)
				l.count[name] = c
			}
			c[kind] += d
		}
	}
	return nil
}

// done hands the lane's counts to its tracker.
func (l *lane) done() {
	if l == nil {
		return
	}
	t := l.t
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, h := range l.next {
		t.next[k] = h
	}
	for name, c := range l.count {
		sum := t.count[name]
		if sum == nil {
			sum = new([3]int64)
			t.count[name] = sum
		}
		for i := range c {
			sum[i] += c[i]
		}
	}
	clear(l.next)
	clear(l.count)
}

// lineKey names the item of an archive line as the merge does: a tick group
// by its parent's xid, a trends bucket by its date, an item by its xid, and
// one without (band events, never edited) by its content.
func lineKey(line []byte, h uint64) string {
	if bytes.HasPrefix(line, tickLinePrefix) {
		if xid, err := groupXID(line); err == nil {
			return "p:" + xid
		}
	}
	if len(line) > 0 && line[0] == '[' {
		if i := bytes.IndexByte(line, ','); i > 1 {
			return "d:" + string(bytes.TrimSpace(line[1:i]))
		}
	}
	if xid := fastjson.GetString(line, "xid"); xid != "" {
		return "x:" + xid
	}
	return "h:" + strconv.FormatUint(h, 16)
}

// setChanges fills each table's Changes from the trackers of the run. The
// common tables have no items of their own to compare and are left out.
func setChanges(results []export.TableResult, trackers []*changeTracker) {
	for i := range results {
		if slices.Contains(common.Names(), results[i].Name) {
			continue
		}
		ch := &export.RowChanges{}
		for _, t := range trackers {
			if c := t.count[results[i].Name]; c != nil {
				ch.Added += c[rowAdded]
				ch.Changed += c[rowChanged]
				ch.Unchanged += c[rowUnchanged]
			}
		}
		results[i].Changes = ch
	}
}
