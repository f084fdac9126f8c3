// Package export writes upexport's typed tables as Parquet, CSV or XLSX
// files plus a manifest.json that describes them.
//
// A Sink takes batches of many tables, interleaved, and streams each table
// to its files: memory stays bounded however many rows a table has.
package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/upexport/upexport/schema"
)

// Format is an output file format.
type Format string

const (
	Parquet Format = "parquet"
	CSV     Format = "csv"
	XLSX    Format = "xlsx"
)

// DefaultRowGroupRows is DuckDB's row group size. Parquet writers buffer a
// whole row group before writing it, so this bounds memory; readers still
// get groups large enough to scan fast and to skip by their statistics.
const DefaultRowGroupRows = 122880

// Options control how a Sink writes. The zero value plus a Format is valid.
type Options struct {
	Format Format
	// Compression is the Parquet codec: zstd (default), snappy, gzip or none.
	Compression string
	// PartitionBy is "", "year" or "month" (Parquet and CSV): each table with
	// a TimeColumn is written as hive-style directories
	// (moves/year=2015/month=08/part-0.parquet); rows with a null time go to
	// __HIVE_DEFAULT_PARTITION__ as Hive and Spark do.
	PartitionBy string
	// CSVBOM starts each CSV file with a UTF-8 byte order mark, which Excel
	// on Windows needs to read UTF-8. Gzip writes .csv.gz files.
	CSVBOM, Gzip bool
	// RowGroupRows caps Parquet row groups; 0 means DefaultRowGroupRows.
	RowGroupRows int
	// Provenance is shown on the XLSX About sheet (the manifest carries it
	// for every format).
	Provenance Provenance

	mem memory.Allocator // Parquet buffers; tests put a checked allocator here
}

// Provenance says where an export came from. It never holds credentials.
type Provenance struct {
	ToolVersion   string     `json:"tool_version"`
	SchemaVersion int        `json:"schema_version"`
	Provider      string     `json:"provider"`
	Source        string     `json:"source"`
	APIURL        string     `json:"api_url"`
	UserXID       string     `json:"user_xid"`
	Since         *time.Time `json:"since,omitempty"`
	Until         *time.Time `json:"until,omitempty"`
	RunStart      time.Time  `json:"run_start"`

	// RequestHeaders are the headers sent with every API request that
	// change what the API answers (Fitbit's unit system), as sent.
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
}

// TableResult describes one written table; it is also the manifest entry.
type TableResult struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Rows        int64  `json:"rows"`
	// Changes compares the rows with the previous export into the same
	// directory; nil when that export did not record what it held.
	Changes    *RowChanges  `json:"changes,omitempty"`
	TimeColumn string       `json:"time_column,omitempty"`
	Files      []FileResult `json:"files"`
	Columns    []ColumnInfo `json:"columns"`
	Warnings   []string     `json:"warnings,omitempty"`
	// Status is set by the engine: "complete", "stale since <RFC 3339
	// time the items were fetched>" or "failed: <why>" (no files).
	Status string `json:"status,omitempty"`
}

// Describe is the manifest entry of a table written nowhere: its columns,
// no files.
func Describe(t *schema.Table) TableResult {
	return TableResult{Name: t.Name, Description: t.Description, TimeColumn: t.TimeColumn,
		Files: []FileResult{}, Columns: columnInfos(t)}
}

// RowChanges counts a table's rows by what happened to the item each row
// comes from since the previous export: new, different, or byte for byte
// the same. A row of a child table counts with the archive line it comes
// from: hourly totals and food items with their parent item (every food item
// of an edited meal is "changed"), minute ticks with their parent's group of
// ticks (unchanged if the minutes are).
type RowChanges struct {
	Added     int64 `json:"added"`
	Changed   int64 `json:"changed"`
	Unchanged int64 `json:"unchanged"`
}

// Rows is the table's rows in all.
func (c RowChanges) Rows() int64 { return c.Added + c.Changed + c.Unchanged }

// FileResult is one file of a table. Path is slash-separated and relative to
// the export directory. An XLSX workbook is one file that every table names,
// each with its own Sheets.
type FileResult struct {
	Path      string        `json:"path"`
	Partition string        `json:"partition,omitempty"` // e.g. "year=2015/month=08"
	Rows      int64         `json:"rows"`
	Size      int64         `json:"size"`
	SHA256    string        `json:"sha256"`
	Sheets    []SheetResult `json:"sheets,omitempty"`
}

// SheetResult is one worksheet holding (part of) a table.
type SheetResult struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// ColumnInfo is a column as the manifest and the data dictionary show it.
type ColumnInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
	Path        string `json:"path,omitempty"`
	Extra       bool   `json:"extra"`
}

// tableWriter writes the batches of one table in one format.
type tableWriter interface {
	write(b *schema.Batch) error
	// close finishes the table's files and returns them (rows filled in),
	// with warnings about values a format could not hold exactly.
	close() ([]FileResult, []string, error)
	// abort releases resources without finishing; files are removed by the Sink.
	abort()
}

// Sink writes the batches of many tables under one directory. It is not
// safe for concurrent use.
type Sink struct {
	dir     string
	opts    Options
	tables  []*schema.Table
	writers map[string]tableWriter
	rows    map[string]int64
	// finished holds the results of tables closed early by Finish.
	finished map[string]TableResult
	files    fileSet
	book     *xlsxBook // XLSX only: the workbook every table writes into
	tmpDir   string    // XLSX only: spool files, removed at Close/Abort
	done     bool
}

// NewSink prepares to write tables under dir, which must exist and be empty
// (the engine's temporary directory). Files are created as rows arrive;
// tables that get no rows still get a file at Close.
func NewSink(dir string, tables []*schema.Table, opts Options) (*Sink, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkTables(tables); err != nil {
		return nil, err
	}
	if opts.mem == nil {
		opts.mem = memory.DefaultAllocator
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	s := &Sink{
		dir: dir, opts: opts, tables: tables,
		writers:  make(map[string]tableWriter, len(tables)),
		rows:     make(map[string]int64, len(tables)),
		finished: make(map[string]TableResult, len(tables)),
		files:    fileSet{dir: dir},
	}
	stems := uniqueNames{"manifest.json": true}
	if opts.Format == XLSX {
		s.tmpDir = filepath.Join(dir, ".upexport-tmp")
		if err := os.Mkdir(s.tmpDir, 0o700); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		book, err := newXLSXBook(s.tmpDir, opts.Provenance)
		if err != nil {
			s.Abort()
			return nil, err
		}
		s.book = book
	}
	for _, t := range tables {
		var (
			w   tableWriter
			err error
		)
		switch opts.Format {
		case Parquet:
			w, err = newParquetTable(&s.files, stems.take(fileStem(t.Name), underscoreSuffix), t, opts)
		case CSV:
			w, err = newCSVTable(&s.files, stems.take(fileStem(t.Name), underscoreSuffix), t, opts)
		case XLSX:
			w, err = s.book.addTable(t)
		}
		if err != nil {
			s.Abort()
			return nil, err
		}
		s.writers[t.Name] = w
	}
	return s, nil
}

func (o *Options) validate() error {
	switch o.Format {
	case Parquet, CSV, XLSX:
	default:
		return fmt.Errorf("unknown format %q (want parquet, csv or xlsx)", o.Format)
	}
	if _, err := parquetCodec(o.Compression); err != nil {
		return err
	}
	if o.Compression != "" && o.Format != Parquet {
		return fmt.Errorf("compression %q applies to parquet only", o.Compression)
	}
	switch o.PartitionBy {
	case "", "year", "month":
	default:
		return fmt.Errorf("unknown partitioning %q (want year or month)", o.PartitionBy)
	}
	if o.PartitionBy != "" && o.Format == XLSX {
		return errors.New("partitioning applies to parquet and csv only")
	}
	if (o.CSVBOM || o.Gzip) && o.Format != CSV {
		return errors.New("BOM and gzip apply to csv only")
	}
	return nil
}

// checkTables rejects declarations no format could write faithfully.
func checkTables(tables []*schema.Table) error {
	names := map[string]bool{}
	for _, t := range tables {
		if names[t.Name] {
			return fmt.Errorf("table %s declared twice", t.Name)
		}
		names[t.Name] = true
		if len(t.Columns) == 0 {
			return fmt.Errorf("table %s has no columns", t.Name)
		}
		cols := map[string]bool{}
		for _, c := range t.Columns {
			if c.Name == "" || cols[c.Name] {
				return fmt.Errorf("table %s: empty or duplicate column name %q", t.Name, c.Name)
			}
			cols[c.Name] = true
			if c.Type < schema.Int64 || c.Type > schema.Date {
				return fmt.Errorf("table %s: column %s has unknown type %v", t.Name, c.Name, c.Type)
			}
		}
		if t.TimeColumn != "" {
			i := t.ColumnIndex(t.TimeColumn)
			if i < 0 || (t.Columns[i].Type != schema.Timestamp && t.Columns[i].Type != schema.Date) {
				return fmt.Errorf("table %s: time column %q is not a timestamp or date column", t.Name, t.TimeColumn)
			}
		}
	}
	return nil
}

// Write appends a batch to its table's files. It does not keep b.
func (s *Sink) Write(b *schema.Batch) error {
	if s.done {
		return errors.New("export: write after close")
	}
	if b.Table == nil {
		return errors.New("export: batch without table")
	}
	w, ok := s.writers[b.Table.Name]
	if !ok {
		return fmt.Errorf("export: table %s was not declared to the sink", b.Table.Name)
	}
	if _, done := s.finished[b.Table.Name]; done {
		return fmt.Errorf("export: table %s was already finished", b.Table.Name)
	}
	if b.Len == 0 {
		return nil
	}
	if err := checkBatch(b); err != nil {
		return err
	}
	if err := w.write(b); err != nil {
		return err
	}
	s.rows[b.Table.Name] += int64(b.Len)
	return nil
}

// checkBatch makes sure every vector holds b.Len values of its column's
// type, so the writers can index without checks.
func checkBatch(b *schema.Batch) error {
	t := b.Table
	if len(b.Cols) != len(t.Columns) {
		return fmt.Errorf("export: batch of %s has %d columns, table has %d", t.Name, len(b.Cols), len(t.Columns))
	}
	for i, c := range t.Columns {
		v := &b.Cols[i]
		var n int
		switch c.Type {
		case schema.Int64, schema.Timestamp, schema.Date:
			n = len(v.Ints)
		case schema.Float64:
			n = len(v.Floats)
		case schema.Bool:
			n = len(v.Bools)
		case schema.String:
			n = len(v.Strs)
		}
		if n < b.Len || len(v.Valid) < b.Len {
			return fmt.Errorf("export: batch of %s: column %s has %d values and %d validity flags, want %d",
				t.Name, c.Name, n, len(v.Valid), b.Len)
		}
	}
	return nil
}

// Finish closes the named tables' files now, so that their buffers are
// freed before the tables still to come are written; Close reports them
// with the rest. Writing to a finished table is an error.
func (s *Sink) Finish(names ...string) error {
	if s.done {
		return errors.New("export: sink already closed")
	}
	for _, name := range names {
		if _, ok := s.finished[name]; ok {
			continue
		}
		for _, t := range s.tables {
			if t.Name != name {
				continue
			}
			files, warnings, err := s.writers[t.Name].close()
			if err != nil {
				return err
			}
			s.finished[name] = TableResult{
				Name: t.Name, Description: t.Description, Rows: s.rows[t.Name],
				TimeColumn: t.TimeColumn, Files: files, Columns: columnInfos(t), Warnings: warnings,
			}
		}
	}
	return nil
}

// Close finishes every table's files and returns them in table order. On
// error, call Abort to remove what was written.
func (s *Sink) Close() ([]TableResult, error) {
	if s.done {
		return nil, errors.New("export: sink already closed")
	}
	names := make([]string, len(s.tables))
	for i, t := range s.tables {
		names[i] = t.Name
	}
	if err := s.Finish(names...); err != nil {
		return nil, err
	}
	s.done = true
	results := make([]TableResult, 0, len(s.tables))
	for _, t := range s.tables {
		results = append(results, s.finished[t.Name])
	}
	if s.book != nil {
		if err := s.book.save(&s.files, results); err != nil {
			return nil, err
		}
		if err := os.RemoveAll(s.tmpDir); err != nil {
			return nil, fmt.Errorf("xlsx: remove spool directory: %w", err)
		}
	}
	return results, nil
}

// Abort stops writing and removes every file and directory the Sink
// created. It is safe to call more than once and after a failed Close.
func (s *Sink) Abort() {
	s.done = true
	for _, w := range s.writers {
		w.abort()
	}
	if s.book != nil {
		s.book.abort()
	}
	s.files.removeAll()
	if s.tmpDir != "" {
		_ = os.RemoveAll(s.tmpDir)
	}
}

func columnInfos(t *schema.Table) []ColumnInfo {
	cols := make([]ColumnInfo, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = ColumnInfo{Name: c.Name, Type: c.Type.String(), Unit: c.Unit,
			Description: c.Description, Path: c.Path, Extra: c.Extra}
	}
	return cols
}
