package export

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXDimension unzips the workbook and checks that every worksheet's
// <dimension> names the range its cells really use: readers that trust it
// (openpyxl in read-only mode) otherwise see one cell.
func TestXLSXDimension(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSink(dir, fixtureTables, Options{Format: XLSX, Provenance: testProvenance})
	if err != nil {
		t.Fatal(err)
	}
	s.book.maxRows = 1001 // continuation sheets too
	if err := writeFixture(s); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	sheets := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			continue
		}
		sheets++
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dim, used, err := sheetRanges(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if dim != used {
			t.Errorf("%s: <dimension ref=%q>, but the cells span %s", path.Base(f.Name), dim, used)
		}
	}
	if sheets != 10 {
		t.Errorf("%d worksheets, want 10", sheets)
	}
}

// sheetRanges reads a worksheet part: the ref of its dimension element and
// the range from A1 to the largest row and column of its cells.
func sheetRanges(r io.Reader) (dim, used string, err error) {
	dec := xml.NewDecoder(r)
	maxCol, maxRow := 1, 1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			switch {
			case se.Name.Local == "dimension" && a.Name.Local == "ref":
				dim = a.Value
			case se.Name.Local == "c" && a.Name.Local == "r":
				col, row, err := excelize.CellNameToCoordinates(a.Value)
				if err != nil {
					return "", "", err
				}
				maxCol, maxRow = max(maxCol, col), max(maxRow, row)
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(maxCol, maxRow)
	used = "A1:" + last
	if last == "A1" {
		used = "A1"
	}
	return dim, used, nil
}
