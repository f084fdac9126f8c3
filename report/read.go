package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/klauspost/compress/gzip"

	"github.com/upexport/upexport/export"
)

// columns holds some columns of one table, one float64 per row: numbers as
// they are, booleans as 0 or 1, dates as days since 1970-01-01, timestamps
// as seconds since the epoch, and NaN for null. A report only counts, sums
// and averages, so one representation serves every typed column.
type columns struct {
	rows int
	cols map[string][]float64
}

// get returns the named column, or nil when it was not read.
func (c columns) get(name string) []float64 { return c.cols[name] }

const secPerDay = 86400

// day is the day number (days since 1970-01-01) of a value of type typ,
// or false for null.
func day(typ string, v float64) (int64, bool) {
	if math.IsNaN(v) {
		return 0, false
	}
	if typ == "timestamp" {
		return int64(math.Floor(v / secPerDay)), true
	}
	return int64(v), true
}

// readable reports whether a column type can be read into a float64.
func readable(typ string) bool {
	switch typ {
	case "int64", "float64", "bool", "date", "timestamp":
		return true
	}
	return false
}

// readTable reads the columns names of table t from its files in the export
// directory dir. Names the table does not have, and string columns, are left
// out of the result.
func readTable(ctx context.Context, dir string, format export.Format, t export.TableResult, names []string) (columns, error) {
	types := map[string]string{}
	for _, c := range t.Columns {
		if readable(c.Type) {
			types[c.Name] = c.Type
		}
	}
	want := map[string]string{}
	for _, n := range names {
		if typ, ok := types[n]; ok {
			want[n] = typ
		}
	}
	out := columns{cols: map[string][]float64{}}
	for n := range want {
		out.cols[n] = make([]float64, 0, t.Rows)
	}
	for _, f := range t.Files {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		var err error
		switch format {
		case export.CSV:
			err = readCSV(ctx, path, want, &out)
		case export.Parquet:
			err = readParquet(ctx, path, want, &out)
		default:
			err = fmt.Errorf("the report reads csv and parquet exports, not %s", format)
		}
		if err != nil {
			return out, fmt.Errorf("table %s: %w", t.Name, err)
		}
	}
	return out, nil
}

func readCSV(ctx context.Context, path string, want map[string]string, out *columns) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, err)
	}
	type field struct {
		idx  int
		name string
		typ  string
	}
	var fields []field
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\xef\xbb\xbf") // --csv-bom
		}
		if typ, ok := want[h]; ok {
			fields = append(fields, field{i, h, typ})
		}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		out.rows++
		for _, fd := range fields {
			v, err := parseCSV(fd.typ, rec[fd.idx])
			if err != nil {
				return fmt.Errorf("%s: line %d, column %s: %w", path, line, fd.name, err)
			}
			out.cols[fd.name] = append(out.cols[fd.name], v)
		}
	}
}

// parseCSV reads one CSV field as export/csv.go writes it.
func parseCSV(typ, s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	switch typ {
	case "date":
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0, err
		}
		return float64(t.Unix() / secPerDay), nil
	case "timestamp":
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, err
		}
		return float64(t.UnixMicro()) / 1e6, nil
	case "bool":
		b, err := strconv.ParseBool(s)
		if b {
			return 1, err
		}
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

func readParquet(ctx context.Context, path string, want map[string]string, out *columns) error {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer pf.Close()
	var idx []int
	var names []string
	for n := range want {
		if i := pf.MetaData().Schema.ColumnIndexByName(n); i >= 0 {
			idx = append(idx, i)
			names = append(names, n)
		}
	}
	if len(idx) == 0 {
		out.rows += int(pf.NumRows())
		return nil
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, idx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		out.rows += int(rec.NumRows())
		for i := range int(rec.NumCols()) {
			name := rec.ColumnName(i)
			vals, err := appendArrow(out.cols[name], rec.Column(i))
			if err != nil {
				return fmt.Errorf("%s: column %s: %w", path, name, err)
			}
			out.cols[name] = vals
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// appendArrow appends the values of a column as export/parquet.go writes
// them: int64, float64, boolean, date32 and timestamp[us, UTC].
func appendArrow(dst []float64, col arrow.Array) ([]float64, error) {
	n := col.Len()
	for i := range n {
		if col.IsNull(i) {
			dst = append(dst, math.NaN())
			continue
		}
		switch a := col.(type) {
		case *array.Int64:
			dst = append(dst, float64(a.Value(i)))
		case *array.Float64:
			dst = append(dst, a.Value(i))
		case *array.Boolean:
			v := 0.0
			if a.Value(i) {
				v = 1
			}
			dst = append(dst, v)
		case *array.Date32:
			dst = append(dst, float64(a.Value(i)))
		case *array.Timestamp:
			unit := a.DataType().(*arrow.TimestampType).Unit
			dst = append(dst, float64(a.Value(i))*unit.Multiplier().Seconds())
		default:
			return dst, fmt.Errorf("type %s is not read by the report", col.DataType())
		}
	}
	return dst, nil
}
