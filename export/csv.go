package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"unsafe"

	"github.com/klauspost/compress/gzip"

	"github.com/upexport/upexport/schema"
)

const utf8BOM = "\xef\xbb\xbf"

func newCSVTable(files *fileSet, stem string, t *schema.Table, opts Options) (tableWriter, error) {
	ext := ".csv"
	if opts.Gzip {
		ext = ".csv.gz"
	}
	open := func(rel string) (fileWriter, error) {
		out, err := files.create(rel)
		if err != nil {
			return nil, err
		}
		return newCSVFile(t, out, opts)
	}
	return newPartitionedTable("csv", stem, ext, t, opts.PartitionBy, open), nil
}

// csvFile writes one CSV file: a header, then one line per row.
//
// Values are formatted into one reused buffer and handed to encoding/csv as
// strings that alias it, so a row costs no allocation; csv.Writer copies
// each field before Write returns, and the buffer is only reused after that.
type csvFile struct {
	out    *outFile
	gz     *gzip.Writer // nil without --gzip
	w      *csv.Writer
	types  []schema.Type
	fields []string
	ends   []int // end offset in buf of each formatted field
	buf    []byte
}

func newCSVFile(t *schema.Table, out *outFile, opts Options) (*csvFile, error) {
	c := &csvFile{out: out, types: make([]schema.Type, len(t.Columns)),
		fields: make([]string, len(t.Columns)), ends: make([]int, len(t.Columns))}
	var w io.Writer = out
	if opts.Gzip {
		// klauspost's gzip is byte-for-byte stable for a given version and
		// several times faster than compress/gzip; the header carries no
		// name or time, so output is reproducible.
		c.gz = gzip.NewWriter(out)
		w = c.gz
	}
	if opts.CSVBOM {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			c.abort()
			return nil, fmt.Errorf("write %s: %w", out.rel, err)
		}
	}
	c.w = csv.NewWriter(w)
	for i, col := range t.Columns {
		c.types[i] = col.Type
		c.fields[i] = col.Name
	}
	if err := c.w.Write(c.fields); err != nil {
		c.abort()
		return nil, fmt.Errorf("write %s: %w", out.rel, err)
	}
	return c, nil
}

func (c *csvFile) write(b *schema.Batch, lo, hi int) error {
	for r := lo; r < hi; r++ {
		c.buf = c.buf[:0]
		for i, typ := range c.types {
			v := &b.Cols[i]
			switch {
			case !v.Valid[r]:
			case typ == schema.String:
				// passed through as is; no formatting needed
			case typ == schema.Int64:
				c.buf = strconv.AppendInt(c.buf, v.Ints[r], 10)
			case typ == schema.Float64:
				c.buf = appendFloat(c.buf, v.Floats[r])
			case typ == schema.Bool:
				c.buf = strconv.AppendBool(c.buf, v.Bools[r])
			case typ == schema.Timestamp:
				c.buf = appendTimestamp(c.buf, v.Ints[r])
			case typ == schema.Date:
				c.buf = appendDate(c.buf, v.Ints[r])
			}
			c.ends[i] = len(c.buf)
		}
		// Only now alias the buffer: appends above may have moved it.
		start := 0
		for i, typ := range c.types {
			v := &b.Cols[i]
			switch {
			case !v.Valid[r]:
				c.fields[i] = ""
			case typ == schema.String:
				c.fields[i] = v.Strs[r]
			case c.ends[i] == start:
				c.fields[i] = ""
			default:
				c.fields[i] = unsafe.String(&c.buf[start], c.ends[i]-start)
			}
			start = c.ends[i]
		}
		if err := c.w.Write(c.fields); err != nil {
			return fmt.Errorf("write %s: %w", c.out.rel, err)
		}
	}
	return nil
}

func (c *csvFile) close() (FileResult, error) {
	c.w.Flush()
	err := c.w.Error()
	if err == nil && c.gz != nil {
		err = c.gz.Close()
	}
	if err != nil {
		c.out.abort()
		return FileResult{}, fmt.Errorf("write %s: %w", c.out.rel, err)
	}
	return c.out.finish()
}

func (c *csvFile) abort() { c.out.abort() }

// appendFloat writes the shortest form that parses back to the same
// float64, following ECMAScript's Number-to-String rule: plain decimals
// from 1e-6 to 1e21, exponent form outside. Integral values get ".0"
// so that readers that infer types (pandas, DuckDB, Excel's import)
// keep the column floating point instead of typing it as integers when
// every value happens to be whole. NaN and infinities use the spellings
// pandas and DuckDB parse.
func appendFloat(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-inf"...)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(buf, f, 'e', -1, 64)
	}
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
	for _, ch := range buf[start:] {
		if ch == '.' {
			return buf
		}
	}
	return append(buf, ".0"...)
}
