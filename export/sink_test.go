package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/upexport/upexport/schema"
)

// allKinds returns the whole kinds fixture as one batch: the expected data.
func allKinds() *schema.Batch {
	b := schema.NewBatch(kindsTable, kindsRows)
	for i := range kindsRows {
		kindsRow(b, i)
	}
	return b
}

func mustExport(t *testing.T, opts Options) (string, []TableResult) {
	t.Helper()
	dir := t.TempDir()
	res, err := exportFixture(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

func TestParquetRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	dir, res := mustExport(t, Options{Format: Parquet, RowGroupRows: 1000, mem: mem})
	mem.AssertSize(t, 0)
	if got := res[0].Files[0]; got.Path != "kinds.parquet" || got.Rows != kindsRows || len(got.SHA256) != 64 {
		t.Fatalf("kinds file = %+v", got)
	}

	rdr, err := file.OpenParquetFile(filepath.Join(dir, "kinds.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	md := rdr.MetaData()
	if n := md.NumRowGroups(); n != 3 {
		t.Errorf("row groups = %d, want 3 (3000 rows, 1000 per group)", n)
	}
	if md.GetCreatedBy() != parquet.DefaultCreatedBy {
		t.Errorf("created_by = %q", md.GetCreatedBy())
	}
	if v := md.KeyValueMetadata().FindValue(metaColumns); v == nil || !strings.Contains(*v, `"unit":"steps"`) {
		t.Errorf("%s metadata = %v", metaColumns, v)
	}
	rg := md.RowGroup(0)
	for i, c := range kindsTable.Columns {
		cc, err := rg.ColumnChunk(i)
		if err != nil {
			t.Fatal(err)
		}
		dict := false
		for _, e := range cc.Encodings() {
			dict = dict || e == parquet.Encodings.RLEDict || e == parquet.Encodings.PlainDict
		}
		if dict != wantsDictionary(c) {
			t.Errorf("column %s: dictionary = %v, want %v", c.Name, dict, wantsDictionary(c))
		}
		if cc.Compression().String() != "ZSTD" {
			t.Errorf("column %s: codec %v", c.Name, cc.Compression())
		}
	}

	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	wantTypes := []string{"utf8", "utf8", "timestamp[us, tz=UTC]", "date32", "int64", "float64", "bool", "utf8", "int64"}
	for i, f := range tbl.Schema().Fields() {
		if f.Type.String() != wantTypes[i] || !f.Nullable {
			t.Errorf("field %s: %v nullable=%v, want %s", f.Name, f.Type, f.Nullable, wantTypes[i])
		}
		if d, _ := f.Metadata.GetValue("description"); d != kindsTable.Columns[i].Description {
			t.Errorf("field %s: description %q", f.Name, d)
		}
	}
	want := allKinds()
	for ci, c := range kindsTable.Columns {
		row := 0
		for _, chunk := range tbl.Column(ci).Data().Chunks() {
			for j := 0; j < chunk.Len(); j, row = j+1, row+1 {
				v := &want.Cols[ci]
				if chunk.IsNull(j) != !v.Valid[row] {
					t.Fatalf("%s row %d: null=%v, want %v", c.Name, row, chunk.IsNull(j), !v.Valid[row])
				}
				if chunk.IsNull(j) {
					continue
				}
				var got, exp any
				switch a := chunk.(type) {
				case *array.String:
					got, exp = a.Value(j), v.Strs[row]
				case *array.Int64:
					got, exp = a.Value(j), v.Ints[row]
				case *array.Float64:
					got, exp = a.Value(j), v.Floats[row]
				case *array.Boolean:
					got, exp = a.Value(j), v.Bools[row]
				case *array.Timestamp:
					got, exp = int64(a.Value(j)), v.Ints[row]
				case *array.Date32:
					got, exp = int64(a.Value(j)), v.Ints[row]
				}
				if got != exp {
					t.Fatalf("%s row %d = %v, want %v", c.Name, row, got, exp)
				}
			}
		}
		if row != kindsRows {
			t.Fatalf("%s: %d rows", c.Name, row)
		}
	}
}

func TestParquetEmptyTableHasSchema(t *testing.T) {
	dir, res := mustExport(t, Options{Format: Parquet})
	if f := res[2].Files; len(f) != 1 || f[0].Path != "empty.parquet" || f[0].Rows != 0 {
		t.Fatalf("empty files = %+v", f)
	}
	rdr, err := file.OpenParquetFile(filepath.Join(dir, "empty.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if sc.NumFields() != len(emptyTable.Columns) || rdr.NumRows() != 0 {
		t.Errorf("schema %v, rows %d", sc, rdr.NumRows())
	}
}

// expectedCSV formats one value of the fixture independently of csv.go.
func expectedCSV(c schema.Column, v *schema.Vector, r int) string {
	if !v.Valid[r] {
		return ""
	}
	switch c.Type {
	case schema.String:
		return v.Strs[r]
	case schema.Int64:
		return strconv.FormatInt(v.Ints[r], 10)
	case schema.Bool:
		return strconv.FormatBool(v.Bools[r])
	case schema.Timestamp:
		return schema.TimeFromMicros(v.Ints[r]).Format(time.RFC3339Nano)
	case schema.Date:
		return schema.DateFromDays(v.Ints[r]).Format(time.DateOnly)
	}
	return "" // floats are compared by value
}

func TestCSVRoundTrip(t *testing.T) {
	dir, _ := mustExport(t, Options{Format: CSV})
	data, err := os.ReadFile(filepath.Join(dir, "kinds.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// encoding/csv's reader turns \r\n inside quotes into \n; the file
	// itself keeps it (DuckDB reads it back, see TestInterop).
	if !bytes.Contains(data, []byte("\"crlf\r\nend\"")) {
		t.Error("CRLF inside a value was not written as is")
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != kindsRows+1 || strings.Join(recs[0], ",") != "xid,user_xid,time,date,steps,distance,is_nap,note,big" {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	want := allKinds()
	for r, rec := range recs[1:] {
		for i, c := range kindsTable.Columns {
			v := &want.Cols[i]
			if c.Type == schema.Float64 && v.Valid[r] {
				f, err := strconv.ParseFloat(rec[i], 64)
				if err != nil || f != v.Floats[r] || !strings.ContainsAny(rec[i], ".e") {
					t.Fatalf("row %d %s = %q, want %v", r, c.Name, rec[i], v.Floats[r])
				}
				continue
			}
			if exp := strings.ReplaceAll(expectedCSV(c, v, r), "\r\n", "\n"); rec[i] != exp {
				t.Fatalf("row %d %s = %q, want %q", r, c.Name, rec[i], exp)
			}
		}
	}

	empty, err := os.ReadFile(filepath.Join(dir, "empty.csv"))
	if err != nil || string(empty) != "xid,when,day,n,f,b\n" {
		t.Errorf("empty.csv = %q, %v", empty, err)
	}
}

func TestCSVGzipAndBOM(t *testing.T) {
	plain, _ := mustExport(t, Options{Format: CSV})
	gz, res := mustExport(t, Options{Format: CSV, Gzip: true, CSVBOM: true})
	if res[0].Files[0].Path != "kinds.csv.gz" {
		t.Fatalf("path %s", res[0].Files[0].Path)
	}
	f, err := os.Open(filepath.Join(gz, "kinds.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(plain, "kinds.csv"))
	if !bytes.Equal(got, append([]byte(utf8BOM), want...)) {
		t.Error("gzip+BOM content is not BOM + the plain CSV")
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	dir, res := mustExport(t, Options{Format: XLSX})
	f, err := excelize.OpenFile(filepath.Join(dir, xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "About,kinds,ticks,empty" {
		t.Errorf("sheets = %s", got)
	}
	rows, err := f.GetRows("kinds", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != kindsRows+1 {
		t.Fatalf("kinds has %d rows", len(rows))
	}
	want := allKinds()
	note := kindsTable.ColumnIndex("note")
	for r := range kindsRows {
		got := ""
		if note < len(rows[r+1]) {
			got = rows[r+1][note]
		}
		if exp := expectedCSV(kindsTable.Columns[note], &want.Cols[note], r); got != exp {
			t.Fatalf("row %d note = %q, want %q", r, got, exp)
		}
	}
	// Big integers are text, others numbers; timestamps are date-styled numbers.
	for _, tc := range []struct {
		cell string
		typ  excelize.CellType
	}{{"I5", excelize.CellTypeInlineString}, {"I3", excelize.CellTypeUnset}, {"C2", excelize.CellTypeUnset}, {"G2", excelize.CellTypeBool}} {
		if got, err := f.GetCellType("kinds", tc.cell); err != nil || got != tc.typ {
			t.Errorf("cell %s type = %v, want %v (%v)", tc.cell, got, tc.typ, err)
		}
	}
	if v, _ := f.GetCellValue("kinds", "C2"); v != "2014-12-30 22:00:00" {
		t.Errorf("C2 shows %q", v)
	}
	if v, _ := f.GetCellValue("kinds", "D2"); v != "2014-12-30" {
		t.Errorf("D2 shows %q", v)
	}
	about, _ := f.GetRows("About")
	if len(about) < 20 || about[0][0] != "upexport export" {
		t.Errorf("About = %q", about)
	}
	if f := res[0].Files[0]; f.Path != xlsxFile || f.Size == 0 || len(f.SHA256) != 64 || f.Sheets[0].Name != "kinds" {
		t.Errorf("kinds file = %+v", f)
	}
	if _, err := os.Stat(filepath.Join(dir, ".upexport-tmp")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("spool directory left behind: %v", err)
	}
}

func TestXLSXSheetSplit(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSink(dir, fixtureTables, Options{Format: XLSX})
	if err != nil {
		t.Fatal(err)
	}
	s.book.maxRows = 1001 // header + 1000 rows per sheet
	if err := writeFixture(s); err != nil {
		t.Fatal(err)
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sh := range res[1].Files[0].Sheets {
		names = append(names, sh.Name+"="+strconv.FormatInt(sh.Rows, 10))
	}
	if got := strings.Join(names, ","); got != "ticks=1000,ticks 2=1000,ticks 3=1000,ticks 4=1000,ticks 5=1000" {
		t.Errorf("ticks sheets = %s", got)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := "About,kinds,kinds 2,kinds 3,ticks,ticks 2,ticks 3,ticks 4,ticks 5,empty"
	if got := strings.Join(f.GetSheetList(), ","); got != want {
		t.Errorf("sheets = %s, want %s", got, want)
	}
	last, _ := f.GetRows("ticks 5")
	if len(last) != 1001 || last[0][0] != "move_xid" || last[1000][0] != "m049" {
		t.Errorf("ticks 5: %d rows, first %q", len(last), last[0])
	}
	about, _ := f.GetRows("About")
	found := false
	for _, r := range about {
		found = found || len(r) > 1 && r[0] == "ticks" && r[1] == "ticks, ticks 2, ticks 3, ticks 4, ticks 5"
	}
	if !found {
		t.Error("About does not list the ticks sheets")
	}
}

// TestXLSXExcelRowLimit writes past the real limit of 1,048,576 rows.
func TestXLSXExcelRowLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1M rows")
	}
	tbl := &schema.Table{Name: "long", Columns: []schema.Column{{Name: "n", Type: schema.Int64}}}
	dir := t.TempDir()
	s, err := NewSink(dir, []*schema.Table{tbl}, Options{Format: XLSX})
	if err != nil {
		t.Fatal(err)
	}
	const rows = excelize.TotalRows - 1 + 5
	b := schema.NewBatch(tbl, 1<<16)
	for i := 0; i < rows; {
		b.Reset()
		for ; i < rows && b.Len < 1<<16; i++ {
			appendInt(&b.Cols[0], int64(i), true)
			b.Len++
		}
		if err := s.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	sh := res[0].Files[0].Sheets
	if len(sh) != 2 || sh[0].Rows != excelize.TotalRows-1 || sh[1].Name != "long 2" || sh[1].Rows != 5 {
		t.Fatalf("sheets = %+v", sh)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("long 2", "A6"); v != strconv.Itoa(rows-1) {
		t.Errorf("last value %q", v)
	}
}

func TestPartitionedLayout(t *testing.T) {
	for _, opts := range []Options{{Format: Parquet, PartitionBy: "month"}, {Format: CSV, PartitionBy: "year"}} {
		_, res := mustExport(t, opts)
		for _, tr := range res {
			var sum int64
			for _, f := range tr.Files {
				sum += f.Rows
				if tr.TimeColumn == "" {
					continue
				}
				if !strings.HasPrefix(f.Path, tr.Name+"/year=") || !strings.HasPrefix(f.Path, tr.Name+"/"+f.Partition+"/part-") {
					t.Errorf("%s: file %+v", tr.Name, f)
				}
			}
			if sum != tr.Rows {
				t.Errorf("%s: files hold %d rows, table %d", tr.Name, sum, tr.Rows)
			}
		}
		kinds := res[0].Files
		if last := kinds[len(kinds)-1]; !strings.Contains(last.Partition, hiveNull) {
			// nulls come interleaved; their file stays open to the end
			t.Errorf("%s: last kinds file %+v, want the null partition", opts.Format, last)
		}
	}
}

// Unsorted input revisits closed partitions: they continue in part-1, ...
func TestPartitionRevisit(t *testing.T) {
	tbl := &schema.Table{Name: "t", TimeColumn: "d", Columns: []schema.Column{{Name: "d", Type: schema.Date}}}
	dir := t.TempDir()
	s, err := NewSink(dir, []*schema.Table{tbl}, Options{Format: CSV, PartitionBy: "year"})
	if err != nil {
		t.Fatal(err)
	}
	b := schema.NewBatch(tbl, 16)
	for round := range 2 {
		for y := 2010; y < 2010+maxOpenParts+2; y++ {
			b.Reset()
			appendInt(&b.Cols[0], schema.DaysFromYMD(y, 1, 1+round), true)
			b.Len++
			if err := s.Write(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res[0].Files); n != 2*(maxOpenParts+2) {
		t.Errorf("%d files, want %d", n, 2*(maxOpenParts+2))
	}
	if _, err := os.Stat(filepath.Join(dir, "t", "year=2010", "part-1.csv")); err != nil {
		t.Error(err)
	}
}

// The same batches give byte-identical files in every format.
func TestDeterministic(t *testing.T) {
	for _, opts := range []Options{
		{Format: Parquet, RowGroupRows: 1000}, {Format: Parquet, PartitionBy: "month"},
		{Format: CSV}, {Format: CSV, Gzip: true, PartitionBy: "year"}, {Format: XLSX},
	} {
		a, _ := mustExport(t, opts)
		b, _ := mustExport(t, opts)
		n := 0
		err := filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(a, path)
			x, _ := os.ReadFile(path)
			y, err := os.ReadFile(filepath.Join(b, rel))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("%+v: %s differs between runs (%v)", opts.Format, rel, err)
			}
			n++
			return nil
		})
		if err != nil || n < 2 {
			t.Errorf("walk: %v, %d files", err, n)
		}
	}
}

func TestAbortRemovesEverything(t *testing.T) {
	for _, opts := range []Options{{Format: Parquet, PartitionBy: "month"}, {Format: CSV, Gzip: true}, {Format: XLSX}} {
		dir := t.TempDir()
		s, err := NewSink(dir, fixtureTables, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFixture(s); err != nil {
			t.Fatal(err)
		}
		s.Abort()
		s.Abort() // idempotent
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("%s: left %v", opts.Format, ents)
		}
		if err := s.Write(schema.NewBatch(kindsTable, 0)); err == nil {
			t.Errorf("%s: write after abort succeeded", opts.Format)
		}
	}
}

// A failing disk write surfaces as an error naming the table and file.
func TestWriteErrorNamesTableAndFile(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		file string
	}{{Options{Format: CSV}, "kinds.csv"}, {Options{Format: Parquet, RowGroupRows: 1000}, "kinds.parquet"}} {
		dir := t.TempDir()
		s, err := NewSink(dir, fixtureTables, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		b := allKinds()
		if err := s.Write(b); err != nil {
			t.Fatal(err)
		}
		// Pull the disk away under the open file.
		pt := s.writers["kinds"].(*partitionedTable)
		switch w := pt.live[0].w.(type) {
		case *csvFile:
			w.out.f.Close()
		case *parquetFile:
			w.out.f.Close()
		}
		for range 20 {
			if err = s.Write(b); err != nil {
				break
			}
		}
		if err == nil {
			_, err = s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), string(tc.opts.Format)+" kinds") || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("error = %v, want one naming %s kinds and %s", err, tc.opts.Format, tc.file)
		}
		s.Abort()
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("left %v", ents)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		ok   bool
	}{
		{Options{Format: Parquet}, true},
		{Options{Format: Parquet, Compression: "gzip", PartitionBy: "year"}, true},
		{Options{Format: CSV, Gzip: true, CSVBOM: true, PartitionBy: "month"}, true},
		{Options{Format: XLSX}, true},
		{Options{Format: "json"}, false},
		{Options{Format: Parquet, Compression: "lz77"}, false},
		{Options{Format: CSV, Compression: "zstd"}, false},
		{Options{Format: Parquet, PartitionBy: "day"}, false},
		{Options{Format: XLSX, PartitionBy: "year"}, false},
		{Options{Format: Parquet, Gzip: true}, false},
		{Options{Format: XLSX, CSVBOM: true}, false},
	} {
		if err := tc.opts.validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v", tc.opts, err)
		}
	}
}

func TestNewSinkRejectsBadTables(t *testing.T) {
	col := schema.Column{Name: "a", Type: schema.Int64}
	for name, tables := range map[string][]*schema.Table{
		"duplicate table":  {{Name: "t", Columns: []schema.Column{col}}, {Name: "t", Columns: []schema.Column{col}}},
		"no columns":       {{Name: "t"}},
		"duplicate column": {{Name: "t", Columns: []schema.Column{col, col}}},
		"bad type":         {{Name: "t", Columns: []schema.Column{{Name: "a"}}}},
		"bad time column":  {{Name: "t", TimeColumn: "a", Columns: []schema.Column{col}}},
	} {
		dir := t.TempDir()
		if _, err := NewSink(dir, tables, Options{Format: CSV}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestWriteRejectsBadBatch(t *testing.T) {
	s, err := NewSink(t.TempDir(), fixtureTables, Options{Format: CSV})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	short := schema.NewBatch(ticksTable, 4)
	ticksRow(short, 0)
	short.Len = 2
	other := schema.NewBatch(&schema.Table{Name: "other", Columns: ticksTable.Columns}, 1)
	ticksRow(other, 0)
	for name, b := range map[string]*schema.Batch{"short vectors": short, "undeclared table": other} {
		if err := s.Write(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Columns of the arrow schema follow the declared types.
func TestArrowType(t *testing.T) {
	for typ, want := range map[schema.Type]arrow.DataType{
		schema.Int64: arrow.PrimitiveTypes.Int64, schema.Float64: arrow.PrimitiveTypes.Float64,
		schema.Bool: arrow.FixedWidthTypes.Boolean, schema.String: arrow.BinaryTypes.String,
		schema.Timestamp: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		schema.Date:      arrow.FixedWidthTypes.Date32,
	} {
		if got := arrowType(typ); !arrow.TypeEqual(got, want) {
			t.Errorf("%v: %v, want %v", typ, got, want)
		}
	}
}
