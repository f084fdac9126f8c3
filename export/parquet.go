package export

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/upexport/upexport/schema"
)

// Metadata keys in every Parquet file (file key-value metadata and, through
// the stored Arrow schema, schema metadata for pyarrow).
const (
	metaColumns = "upexport.columns" // JSON array of ColumnInfo
	metaTable   = "upexport.table"
)

// maxRecordRows is the size of the Arrow records handed to the Parquet
// writer: big enough to amortise per-record work, small enough that the
// builder stays a few MiB. Row groups collect many records (WriteBuffered).
const maxRecordRows = 64 << 10

func parquetCodec(name string) (compress.Compression, error) {
	switch name {
	case "", "zstd":
		return compress.Codecs.Zstd, nil
	case "snappy":
		return compress.Codecs.Snappy, nil
	case "gzip":
		return compress.Codecs.Gzip, nil
	case "none":
		return compress.Codecs.Uncompressed, nil
	}
	return 0, fmt.Errorf("unknown parquet compression %q (want zstd, snappy, gzip or none)", name)
}

// parquetSpec is what every file of one table shares.
type parquetSpec struct {
	schema     *arrow.Schema
	props      *parquet.WriterProperties
	aprops     pqarrow.ArrowWriterProperties
	mem        memory.Allocator
	recordRows int
}

func newParquetTable(files *fileSet, stem string, t *schema.Table, opts Options) (tableWriter, error) {
	spec, err := newParquetSpec(t, opts)
	if err != nil {
		return nil, err
	}
	open := func(rel string) (fileWriter, error) {
		out, err := files.create(rel)
		if err != nil {
			return nil, err
		}
		return newParquetFile(spec, out)
	}
	return newPartitionedTable("parquet", stem, ".parquet", t, opts.PartitionBy, open), nil
}

func newParquetSpec(t *schema.Table, opts Options) (*parquetSpec, error) {
	codec, err := parquetCodec(opts.Compression)
	if err != nil {
		return nil, err
	}
	cols, err := json.Marshal(columnInfos(t))
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(t.Columns))
	wprops := []parquet.WriterProperty{
		parquet.WithAllocator(opts.mem),
		parquet.WithCompression(codec),
		parquet.WithMaxRowGroupLength(int64(opts.RowGroupRows)),
		// created_by stays the library default ("parquet-go version
		// 18.8.0"): it is fixed, so output is reproducible, and readers
		// use it to recognise writer versions with known bugs.
	}
	for i, c := range t.Columns {
		fields[i] = arrow.Field{
			Name: c.Name, Type: arrowType(c.Type),
			// Every column may hold nulls: arrow writes a null in a
			// non-nullable field as 0 without an error.
			Nullable: true,
			Metadata: arrow.NewMetadata([]string{"description", "unit"}, []string{c.Description, c.Unit}),
		}
		if !wantsDictionary(c) {
			wprops = append(wprops, parquet.WithDictionaryFor(c.Name, false))
		}
	}
	md := arrow.NewMetadata([]string{metaTable, metaColumns}, []string{t.Name, string(cols)})
	return &parquetSpec{
		schema: arrow.NewSchema(fields, &md),
		props:  parquet.NewWriterProperties(wprops...),
		// The stored Arrow schema lets pyarrow and arrow-go restore the
		// exact types and the field metadata (description, unit).
		aprops:     pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(opts.mem)),
		mem:        opts.mem,
		recordRows: min(opts.RowGroupRows, maxRecordRows),
	}, nil
}

func arrowType(t schema.Type) arrow.DataType {
	switch t {
	case schema.Int64:
		return arrow.PrimitiveTypes.Int64
	case schema.Float64:
		return arrow.PrimitiveTypes.Float64
	case schema.Bool:
		return arrow.FixedWidthTypes.Boolean
	case schema.String:
		return arrow.BinaryTypes.String
	case schema.Timestamp:
		// Microseconds, adjusted to UTC: DuckDB reads TIMESTAMP WITH TIME
		// ZONE, pandas datetime64[us, UTC]; ns would overflow old pandas.
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case schema.Date:
		return arrow.FixedWidthTypes.Date32
	}
	panic(fmt.Sprintf("export: no arrow type for %v", t))
}

// wantsDictionary says whether dictionary encoding pays for a column. Ids,
// instants and measured floats (distance, calories, speed) are nearly
// unique: a dictionary only grows until the writer gives up on it, which
// costs time and memory for nothing (the float memo table was 30% of the
// CPU time of a moves_ticks export). Counts and labels repeat, and user_xid
// is one value per export, the best case for a dictionary. A parent's xid
// (move_xid) repeats too, but hashing it on each of 5 M tick rows cost more
// CPU (0.4 s in ten years) than zstd saved on the plain values; the file
// was no smaller. Parquet has no dictionary encoding for booleans.
func wantsDictionary(c schema.Column) bool {
	switch c.Type {
	case schema.Timestamp, schema.Float64, schema.Bool:
		return false
	}
	if c.Name == "user_xid" {
		return true
	}
	return c.Name != "xid" && !strings.HasSuffix(c.Name, "_xid")
}

// parquetFile streams one Parquet file: rows are gathered into Arrow records
// of recordRows and appended to the open row group, which the writer cuts at
// RowGroupRows.
//
// Encoding and compressing a record (pqarrow's WriteBuffered) costs about as
// much CPU as flattening its rows, so it runs on a goroutine of its own: the
// caller fills the next record while the previous one is encoded. At most
// one record waits in the channel, which bounds the memory this adds.
type parquetFile struct {
	spec    *parquetSpec
	out     *outFile
	fw      *pqarrow.FileWriter // owned by the encoder goroutine until done
	rb      *array.RecordBuilder
	pending int            // rows in rb
	days    []arrow.Date32 // scratch for Date columns

	recs   chan arrow.RecordBatch // to the encoder; closed by stop
	done   chan struct{}          // closed when the encoder has returned
	failed atomic.Pointer[error]  // the encoder's first error
}

func (p *parquetFile) encode(recs <-chan arrow.RecordBatch) {
	defer close(p.done)
	for rec := range recs {
		if p.failed.Load() == nil {
			if err := p.fw.WriteBuffered(rec); err != nil {
				err = fmt.Errorf("write %s: %w", p.out.rel, err)
				p.failed.Store(&err)
			}
		}
		rec.Release()
	}
}

// stop ends the encoder once it has written what was sent, and returns its
// error. It may be called more than once.
func (p *parquetFile) stop() error {
	if p.recs != nil {
		close(p.recs)
		p.recs = nil
		<-p.done
	}
	if err := p.failed.Load(); err != nil {
		return *err
	}
	return nil
}

func newParquetFile(spec *parquetSpec, out *outFile) (*parquetFile, error) {
	// out is not an io.Closer, so fw.Close leaves closing to us.
	fw, err := pqarrow.NewFileWriter(spec.schema, out, spec.props, spec.aprops)
	if err != nil {
		out.abort()
		return nil, fmt.Errorf("write %s: %w", out.rel, err)
	}
	rb := array.NewRecordBuilder(spec.mem, spec.schema)
	rb.Reserve(spec.recordRows)
	p := &parquetFile{spec: spec, out: out, fw: fw, rb: rb,
		recs: make(chan arrow.RecordBatch, 1), done: make(chan struct{})}
	go p.encode(p.recs)
	return p, nil
}

func (p *parquetFile) write(b *schema.Batch, lo, hi int) error {
	for lo < hi {
		n := min(hi-lo, p.spec.recordRows-p.pending)
		p.append(b, lo, lo+n)
		p.pending += n
		lo += n
		if p.pending == p.spec.recordRows {
			if err := p.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// append copies rows [lo, hi) column by column; AppendValues copies whole
// slices, so there is no per-value call.
func (p *parquetFile) append(b *schema.Batch, lo, hi int) {
	for i, c := range b.Table.Columns {
		v := &b.Cols[i]
		valid := v.Valid[lo:hi]
		switch c.Type {
		case schema.Int64:
			p.rb.Field(i).(*array.Int64Builder).AppendValues(v.Ints[lo:hi], valid)
		case schema.Float64:
			p.rb.Field(i).(*array.Float64Builder).AppendValues(v.Floats[lo:hi], valid)
		case schema.Bool:
			p.rb.Field(i).(*array.BooleanBuilder).AppendValues(v.Bools[lo:hi], valid)
		case schema.String:
			p.rb.Field(i).(*array.StringBuilder).AppendValues(v.Strs[lo:hi], valid)
		case schema.Timestamp:
			// arrow.Timestamp is an int64: reinterpret, don't copy.
			ts := arrow.TimestampTraits.CastFromBytes(arrow.Int64Traits.CastToBytes(v.Ints[lo:hi]))
			p.rb.Field(i).(*array.TimestampBuilder).AppendValues(ts, valid)
		case schema.Date:
			p.days = p.days[:0]
			for _, d := range v.Ints[lo:hi] {
				p.days = append(p.days, arrow.Date32(d))
			}
			p.rb.Field(i).(*array.Date32Builder).AppendValues(p.days, valid)
		}
	}
}

// flush hands the gathered rows to the encoder as one record.
func (p *parquetFile) flush() error {
	if err := p.failed.Load(); err != nil {
		return *err
	}
	p.recs <- p.rb.NewRecordBatch()
	p.pending = 0
	return nil
}

func (p *parquetFile) close() (FileResult, error) {
	defer p.release()
	var err error
	if p.pending > 0 {
		err = p.flush()
	}
	if e := p.stop(); err == nil {
		err = e
	}
	if err != nil {
		p.out.abort()
		return FileResult{}, err
	}
	if err := p.fw.Close(); err != nil {
		p.out.abort()
		return FileResult{}, fmt.Errorf("write %s: footer: %w", p.out.rel, err)
	}
	return p.out.finish()
}

func (p *parquetFile) abort() {
	p.stop()
	p.release()
	p.out.abort()
}

func (p *parquetFile) release() {
	if p.rb != nil {
		p.rb.Release()
		p.rb = nil
	}
}
