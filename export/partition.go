package export

import (
	"fmt"
	"strconv"
	"time"

	"github.com/upexport/upexport/schema"
)

// fileWriter writes rows of one table into one file. Parquet and CSV
// implement it; partitionedTable decides which file gets which rows.
type fileWriter interface {
	// write appends rows [lo, hi) of b.
	write(b *schema.Batch, lo, hi int) error
	// close finishes the file (footer, flush, sync, close).
	close() (FileResult, error)
	abort()
}

// openFileFunc starts a file for table rows at the given relative path.
type openFileFunc func(rel string) (fileWriter, error)

// maxOpenParts bounds the partition files a table keeps open. Rows arrive
// sorted by time, so a partition is normally finished once the next one
// starts; the few kept open absorb stragglers (nulls, batch edges). A
// partition seen again after its file was closed continues in part-1, ...
const maxOpenParts = 4

// partitionedTable routes a table's rows to files: one file when the table
// is not partitioned, otherwise one directory per year or month.
type partitionedTable struct {
	format string // for errors: "parquet moves: ..."
	table  string
	stem   string // file name stem, e.g. "moves"
	ext    string // ".parquet", ".csv.gz"
	open   openFileFunc
	part   *partitioner // nil: not partitioned

	live []*livePart    // open files, least recently used first
	next map[string]int // partition key -> next part number
	done []FileResult   // closed files
}

type livePart struct {
	key  string
	w    fileWriter
	rows int64
}

func newPartitionedTable(format, stem, ext string, t *schema.Table, by string, open openFileFunc) *partitionedTable {
	p := &partitionedTable{format: format, table: t.Name, stem: stem, ext: ext, open: open, next: map[string]int{}}
	if by != "" && t.TimeColumn != "" {
		i := t.ColumnIndex(t.TimeColumn)
		p.part = &partitioner{by: by, col: i, date: t.Columns[i].Type == schema.Date}
	}
	return p
}

func (p *partitionedTable) write(b *schema.Batch) error {
	if p.part == nil {
		w, err := p.file("")
		if err != nil {
			return err
		}
		if err := w.w.write(b, 0, b.Len); err != nil {
			return fmt.Errorf("%s %s: %w", p.format, p.table, err)
		}
		w.rows += int64(b.Len)
		return nil
	}
	for lo := 0; lo < b.Len; {
		key, hi := p.part.run(b, lo)
		w, err := p.file(key)
		if err != nil {
			return err
		}
		if err := w.w.write(b, lo, hi); err != nil {
			return fmt.Errorf("%s %s: %w", p.format, p.table, err)
		}
		w.rows += int64(hi - lo)
		lo = hi
	}
	return nil
}

// file returns the open file for a partition key, opening it (and closing
// the least recently used one if too many are open) when needed.
func (p *partitionedTable) file(key string) (*livePart, error) {
	n := len(p.live)
	if n > 0 && p.live[n-1].key == key {
		return p.live[n-1], nil
	}
	for i, l := range p.live {
		if l.key == key {
			copy(p.live[i:], p.live[i+1:])
			p.live[n-1] = l
			return l, nil
		}
	}
	if n == maxOpenParts {
		if err := p.finish(p.live[0]); err != nil {
			return nil, err
		}
		p.live = p.live[1:]
	}
	rel := p.path(key)
	w, err := p.open(rel)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", p.format, p.table, err)
	}
	l := &livePart{key: key, w: w}
	p.live = append(p.live, l)
	return l, nil
}

// path names the next file for a partition key.
func (p *partitionedTable) path(key string) string {
	if p.part == nil {
		return p.stem + p.ext
	}
	n := p.next[key]
	p.next[key] = n + 1
	if key == "" { // a table with no rows at all
		return p.stem + "/part-" + strconv.Itoa(n) + p.ext
	}
	return p.stem + "/" + key + "/part-" + strconv.Itoa(n) + p.ext
}

func (p *partitionedTable) finish(l *livePart) error {
	fr, err := l.w.close()
	if err != nil {
		return fmt.Errorf("%s %s: %w", p.format, p.table, err)
	}
	fr.Rows, fr.Partition = l.rows, l.key
	p.done = append(p.done, fr)
	return nil
}

func (p *partitionedTable) close() ([]FileResult, []string, error) {
	if len(p.live) == 0 && len(p.done) == 0 {
		// No rows: still write a file with the header or schema, so
		// downstream code can rely on every table having one.
		if _, err := p.file(""); err != nil {
			return nil, nil, err
		}
	}
	for len(p.live) > 0 {
		if err := p.finish(p.live[0]); err != nil {
			return nil, nil, err
		}
		p.live = p.live[1:]
	}
	return p.done, nil, nil
}

func (p *partitionedTable) abort() {
	for _, l := range p.live {
		l.w.abort()
	}
	p.live = nil
}

// hiveNull is the directory value Hive and Spark use for a null partition
// value; DuckDB, Spark and pyarrow read it back as NULL.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// partitioner finds runs of rows in the same year or month. It caches the
// bounds of the last period, so the common case (sorted rows) costs two
// comparisons per row.
type partitioner struct {
	by   string // "year" or "month"
	col  int
	date bool // the time column holds days, not microseconds

	lo, hi int64 // [lo, hi) of the cached period, in the column's unit
	key    string
}

// run returns the partition key of row lo and the end of the run of rows
// from lo that share it.
func (p *partitioner) run(b *schema.Batch, lo int) (string, int) {
	v := &b.Cols[p.col]
	if !v.Valid[lo] {
		hi := lo + 1
		for hi < b.Len && !v.Valid[hi] {
			hi++
		}
		if p.by == "month" {
			return "year=" + hiveNull + "/month=" + hiveNull, hi
		}
		return "year=" + hiveNull, hi
	}
	if x := v.Ints[lo]; x < p.lo || x >= p.hi || p.key == "" {
		p.period(x)
	}
	hi := lo + 1
	for hi < b.Len && v.Valid[hi] && v.Ints[hi] >= p.lo && v.Ints[hi] < p.hi {
		hi++
	}
	return p.key, hi
}

// period caches the year or month holding x.
func (p *partitioner) period(x int64) {
	var t time.Time
	if p.date {
		t = schema.DateFromDays(x)
	} else {
		t = schema.TimeFromMicros(x)
	}
	y, m := t.Year(), t.Month()
	var start, end time.Time
	if p.by == "month" {
		start = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(0, 1, 0)
		p.key = fmt.Sprintf("year=%d/month=%02d", y, int(m))
	} else {
		start = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(1, 0, 0)
		p.key = fmt.Sprintf("year=%d", y)
	}
	if p.date {
		p.lo, p.hi = start.Unix()/86400, end.Unix()/86400
	} else {
		p.lo, p.hi = start.UnixMicro(), end.UnixMicro()
	}
}
