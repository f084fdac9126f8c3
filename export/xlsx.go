package export

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/upexport/upexport/schema"
)

const (
	xlsxFile  = "upexport.xlsx"
	aboutName = "About"
	// maxCellText is Excel's limit per cell (UTF-16 units); excelize cuts
	// longer strings silently, so the writer counts them and warns.
	maxCellText = 32767
	// maxExactInt is the largest integer a double (Excel's only number
	// type) holds exactly; larger ones are written as text.
	maxExactInt = 1 << 53
)

// xlsxBook is the one workbook of an XLSX export. Every table streams into
// its own sheets; excelize allows many StreamWriters open at once, each
// buffering up to 16 MiB and spilling to a temp file beyond, so memory is
// bounded by the number of tables, not rows.
type xlsxBook struct {
	f      *excelize.File
	tmpDir string
	prov   Provenance
	// maxRows is rows per sheet, header included (Excel's limit; tests
	// lower it).
	maxRows                 int
	header, stamp, day, txt int // style ids
	sheets                  uniqueNames
	tables                  uniqueNames // Excel table (ListObject) names
	all                     []*xlsxTable
	// dims is the used range of each streamed sheet by its part name
	// (xl/worksheets/sheetN.xml), for the <dimension> element: the stream
	// writer writes that element before any row, so always as "A1", and
	// readers that trust it (openpyxl read-only) would see one cell.
	dims map[string]string
}

func newXLSXBook(tmpDir string, prov Provenance) (*xlsxBook, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: tmpDir})
	bk := &xlsxBook{f: f, tmpDir: tmpDir, prov: prov, maxRows: excelize.TotalRows,
		sheets: uniqueNames{}, tables: uniqueNames{}, dims: map[string]string{}}
	// The About sheet is created first so that it is the first tab; its
	// content is written at save time, when the row counts are known.
	if err := f.SetSheetName("Sheet1", aboutName); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	bk.sheets[strings.ToLower(aboutName)] = true
	stampFmt, dayFmt := "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
	var err error
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&bk.header, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&bk.stamp, &excelize.Style{CustomNumFmt: &stampFmt}},
		{&bk.day, &excelize.Style{CustomNumFmt: &dayFmt}},
		{&bk.txt, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, s := range styles {
		if *s.id, err = f.NewStyle(s.s); err != nil {
			return nil, fmt.Errorf("xlsx: style: %w", err)
		}
	}
	return bk, nil
}

// xlsxTable writes one table into one or more sheets.
type xlsxTable struct {
	bk     *xlsxBook
	t      *schema.Table
	sw     *excelize.StreamWriter
	sheets []SheetResult
	row    int // last row written on the current sheet
	vals   []any
	long   int64 // strings cut to maxCellText
}

func (bk *xlsxBook) addTable(t *schema.Table) (*xlsxTable, error) {
	x := &xlsxTable{bk: bk, t: t, vals: make([]any, len(t.Columns))}
	if err := x.newSheet(); err != nil {
		return nil, err
	}
	bk.all = append(bk.all, x)
	return x, nil
}

// newSheet starts the next sheet of the table: "moves_ticks", then
// "moves_ticks 2", ... Widths, styles and panes must be set before the
// first row.
func (x *xlsxTable) newSheet() error {
	bk := x.bk
	if x.sw != nil {
		if err := x.endSheet(); err != nil {
			return err
		}
	}
	name := sheetName(x.t.Name)
	if len(x.sheets) > 0 {
		name = sheetSuffix(name, len(x.sheets)+1)
	}
	name = bk.sheets.take(name, sheetSuffix)
	if _, err := bk.f.NewSheet(name); err != nil {
		return fmt.Errorf("xlsx %s: new sheet %q: %w", x.t.Name, name, err)
	}
	sw, err := bk.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("xlsx %s: sheet %q: %w", x.t.Name, name, err)
	}
	for i, c := range x.t.Columns {
		col := i + 1
		if err := sw.SetColWidth(col, col, columnWidth(c)); err != nil {
			return fmt.Errorf("xlsx %s: %w", x.t.Name, err)
		}
		style := 0
		switch c.Type {
		case schema.Timestamp:
			style = bk.stamp
		case schema.Date:
			style = bk.day
		}
		if style != 0 {
			if err := sw.SetColStyle(col, col, style); err != nil {
				return fmt.Errorf("xlsx %s: %w", x.t.Name, err)
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx %s: %w", x.t.Name, err)
	}
	for i, c := range x.t.Columns {
		x.vals[i] = c.Name
	}
	if err := sw.SetRow("A1", x.vals, excelize.RowOpts{StyleID: bk.header}); err != nil {
		return fmt.Errorf("xlsx %s: header: %w", x.t.Name, err)
	}
	x.sw, x.row = sw, 1
	x.sheets = append(x.sheets, SheetResult{Name: name})
	return nil
}

// columnWidth picks a width (in characters) from the type, wide enough for
// the header plus the filter button.
func columnWidth(c schema.Column) float64 {
	w := 12.0
	switch c.Type {
	case schema.Timestamp:
		w = 20
	case schema.Bool:
		w = 8
	case schema.String:
		w = 24
	}
	return min(max(w, float64(len(c.Name))+4), 60)
}

// endSheet turns the sheet's range into an Excel table, which gives the
// header filter buttons (the stream API has no plain autofilter), and
// flushes it.
func (x *xlsxTable) endSheet() error {
	bk := x.bk
	last, err := excelize.CoordinatesToCellName(len(x.t.Columns), x.row)
	if err != nil {
		return fmt.Errorf("xlsx %s: %w", x.t.Name, err)
	}
	name := bk.tables.take("t_"+tableIdent(x.sheets[len(x.sheets)-1].Name), underscoreSuffix)
	if err := x.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: name, StyleName: "TableStyleLight9"}); err != nil {
		return fmt.Errorf("xlsx %s: table %s: %w", x.t.Name, name, err)
	}
	// NewSheet names a new sheet's part after its sheet id.
	bk.dims["xl/worksheets/sheet"+strconv.Itoa(x.sw.SheetID)+".xml"] = "A1:" + last
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx %s: flush sheet: %w", x.t.Name, err)
	}
	x.sw = nil
	return nil
}

// tableIdent keeps letters, digits and underscores, as Excel table names
// require.
func tableIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

func (x *xlsxTable) write(b *schema.Batch) error {
	for r := 0; r < b.Len; r++ {
		if x.row == x.bk.maxRows {
			if err := x.newSheet(); err != nil {
				return err
			}
		}
		for i, c := range x.t.Columns {
			x.vals[i] = x.cell(c.Type, &b.Cols[i], r)
		}
		x.row++
		cell, err := excelize.CoordinatesToCellName(1, x.row)
		if err == nil {
			err = x.sw.SetRow(cell, x.vals)
		}
		if err != nil {
			return fmt.Errorf("xlsx %s: sheet %q row %d: %w", x.t.Name, x.sheets[len(x.sheets)-1].Name, x.row, err)
		}
		x.sheets[len(x.sheets)-1].Rows++
	}
	return nil
}

// cell converts one value to what excelize writes as a typed cell: numbers
// as numbers, instants and dates as date serials (the column style makes
// them visible as dates), nil as an empty cell.
func (x *xlsxTable) cell(t schema.Type, v *schema.Vector, r int) any {
	if !v.Valid[r] {
		return nil
	}
	switch t {
	case schema.Int64:
		if n := v.Ints[r]; n > maxExactInt || n < -maxExactInt {
			return strconv.FormatInt(n, 10)
		} else {
			return n
		}
	case schema.Float64:
		f := v.Floats[r]
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
		return f
	case schema.Bool:
		return v.Bools[r]
	case schema.String:
		s := v.Strs[r]
		if len(s) > maxCellText && utf16Len(s) > maxCellText {
			x.long++
		}
		return s
	case schema.Timestamp:
		// Excel has no time zones: write the UTC wall clock.
		return schema.TimeFromMicros(v.Ints[r])
	case schema.Date:
		return schema.DateFromDays(v.Ints[r])
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

func (x *xlsxTable) close() ([]FileResult, []string, error) {
	if x.sw != nil {
		if err := x.endSheet(); err != nil {
			return nil, nil, err
		}
	}
	var rows int64
	for _, s := range x.sheets {
		rows += s.Rows
	}
	var warnings []string
	if x.long > 0 {
		warnings = append(warnings, fmt.Sprintf("xlsx: %d text values of %s longer than %d characters were cut to fit an Excel cell", x.long, x.t.Name, maxCellText))
	}
	// Size and hash are filled in by save, once the workbook exists.
	return []FileResult{{Path: xlsxFile, Rows: rows, Sheets: x.sheets}}, warnings, nil
}

// abort is a no-op per table; xlsxBook.abort releases the workbook.
func (x *xlsxTable) abort() {}

func (bk *xlsxBook) abort() { _ = bk.f.Close() }

// save writes the About sheet, orders the sheets, and writes the workbook
// through spoolZip, then fills size and sha256 into every table's result.
func (bk *xlsxBook) save(files *fileSet, results []TableResult) error {
	defer bk.f.Close() // removes excelize's spool files
	if err := bk.writeAbout(results); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	bk.orderSheets()
	out, err := files.create(xlsxFile)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	zw, err := newSpoolZip(out, bk.tmpDir)
	if err == nil {
		zw.dims = bk.dims
	}
	if err != nil {
		out.abort()
		return fmt.Errorf("xlsx: %w", err)
	}
	bk.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	// excelize hands its buffer to the ZipWriter function, which ignores
	// it: the bytes go to out, and the buffer stays empty.
	if err := bk.f.Write(io.Discard); err != nil {
		out.abort()
		return fmt.Errorf("xlsx: write %s: %w", xlsxFile, err)
	}
	fr, err := out.finish()
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i := range results {
		for j := range results[i].Files {
			if f := &results[i].Files[j]; f.Path == xlsxFile {
				f.Size, f.SHA256 = fr.Size, fr.SHA256
			}
		}
	}
	return nil
}

// orderSheets puts each continuation sheet right after the sheet before it
// (they were appended as they were needed). excelize's MoveSheet and
// SetActiveSheet cannot be used here: they load every worksheet, and a
// flushed stream sheet loads as an empty one (a nil-pointer panic in
// v2.11.0). Only the order of the workbook's sheet list changes, which is
// all MoveSheet does too; About stays first and active.
func (bk *xlsxBook) orderSheets() {
	if bk.f.WorkBook == nil {
		return
	}
	list := bk.f.WorkBook.Sheets.Sheet
	pos := make(map[string]int, len(list))
	for i, s := range list {
		pos[s.Name] = i
	}
	order := []int{pos[aboutName]}
	for _, x := range bk.all {
		for _, s := range x.sheets {
			order = append(order, pos[s.Name])
		}
	}
	if len(order) != len(list) {
		return // not a workbook this writer built; leave it alone
	}
	sorted := slices.Clone(list)
	for i, j := range order {
		sorted[i] = list[j]
	}
	copy(list, sorted)
}

// writeAbout fills the About sheet: provenance, the tables and their
// sheets, and the data dictionary.
func (bk *xlsxBook) writeAbout(results []TableResult) error {
	f, p := bk.f, bk.prov
	row, cols := 0, 1
	put := func(style int, vals ...any) error {
		row++
		cols = max(cols, len(vals))
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(aboutName, cell, &vals); err != nil {
			return err
		}
		if style != 0 {
			last, _ := excelize.CoordinatesToCellName(max(len(vals), 1), row)
			return f.SetCellStyle(aboutName, cell, last, style)
		}
		return nil
	}
	optTime := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	lines := [][]any{
		{"Exported by", "upexport " + p.ToolVersion},
		{"Schema version", p.SchemaVersion},
		{"Provider", p.Provider},
		{"Source", p.Source},
		{"API URL", p.APIURL},
		{"User xid", p.UserXID},
		{"Since", optTime(p.Since)},
		{"Until", optTime(p.Until)},
		{"Run started (UTC)", optTime(&p.RunStart)},
		{"Times", "All timestamps are UTC. Sources of local time zones are in the tz columns."},
		{"Sheet limit", fmt.Sprintf("A sheet holds %d rows; longer tables continue on sheets named \"<table> 2\", \"<table> 3\", ...", bk.maxRows-1)},
	}
	if err := put(bk.header, "upexport export"); err != nil {
		return err
	}
	for _, l := range lines {
		if err := put(0, l...); err != nil {
			return err
		}
	}
	row++
	if err := put(bk.header, "Table", "Sheets", "Rows", "Description"); err != nil {
		return err
	}
	for _, r := range results {
		var names []string
		for _, f := range r.Files {
			for _, s := range f.Sheets {
				names = append(names, s.Name)
			}
		}
		if err := put(0, r.Name, strings.Join(names, ", "), r.Rows, r.Description); err != nil {
			return err
		}
	}
	row++
	if err := put(bk.header, "Table", "Column", "Type", "Unit", "Description", "Source path", "Extra"); err != nil {
		return err
	}
	for _, r := range results {
		for _, c := range r.Columns {
			extra := ""
			if c.Extra {
				extra = "not declared; type inferred from the data"
			}
			if err := put(0, r.Name, c.Name, c.Type, c.Unit, c.Description, c.Path, extra); err != nil {
				return err
			}
		}
	}
	for col, w := range []float64{22, 28, 12, 10, 70, 28, 20} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(aboutName, name, name, w); err != nil {
			return err
		}
	}
	// excelize leaves a new sheet's <dimension> at A1 however many cells
	// it gets.
	last, err := excelize.CoordinatesToCellName(cols, row)
	if err != nil {
		return err
	}
	return f.SetSheetDimension(aboutName, "A1:"+last)
}
