package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"

	"github.com/klauspost/compress/flate"
)

// spoolZip is the excelize.ZipWriter used to save the workbook. excelize's
// own writer builds the whole zip in a bytes.Buffer (memory grows with the
// file, qax-os/excelize#2357) and emits the worksheets in map order (bytes
// differ from run to run). spoolZip compresses each entry into a spool file
// as excelize produces it, then on Close copies the compressed entries into
// dst in a fixed order: [Content_Types].xml first, the rest by name.
type spoolZip struct {
	dst     io.Writer
	spool   *os.File
	sw      *bufio.Writer
	off     int64 // bytes written to the spool
	fw      *flate.Writer
	entries []spoolEntry
	cur     *spoolEntry
	crc     hash.Hash32
	err     error
	// dims maps a worksheet part to the range its <dimension> element
	// must say; see xlsxBook.dims.
	dims map[string]string
	head *dimensionWriter // of the current entry, if it is one of dims
}

type spoolEntry struct {
	name       string
	off, csize int64
	usize      int64
	crc        uint32
}

func newSpoolZip(dst io.Writer, tmpDir string) (*spoolZip, error) {
	f, err := os.CreateTemp(tmpDir, "zip-")
	if err != nil {
		return nil, err
	}
	z := &spoolZip{dst: dst, spool: f, crc: crc32.NewIEEE()}
	z.sw = bufio.NewWriterSize(spoolCounter{z}, outBufSize)
	z.fw, _ = flate.NewWriter(z.sw, flate.DefaultCompression) // the level is valid
	return z, nil
}

// spoolCounter writes to the spool file and counts, so each entry knows
// where its compressed bytes start and end.
type spoolCounter struct{ z *spoolZip }

func (c spoolCounter) Write(p []byte) (int, error) {
	n, err := c.z.spool.Write(p)
	c.z.off += int64(n)
	return n, err
}

// entryWriter receives one entry's uncompressed bytes.
type entryWriter struct{ z *spoolZip }

func (w entryWriter) Write(p []byte) (int, error) {
	z := w.z
	if z.err != nil {
		return 0, z.err
	}
	z.crc.Write(p)
	z.cur.usize += int64(len(p))
	n, err := z.fw.Write(p)
	if err != nil {
		z.err = err
	}
	return n, err
}

func (z *spoolZip) Create(name string) (io.Writer, error) {
	if err := z.endEntry(); err != nil {
		return nil, err
	}
	z.entries = append(z.entries, spoolEntry{name: name, off: z.off + int64(z.sw.Buffered())})
	z.cur = &z.entries[len(z.entries)-1]
	z.crc.Reset()
	z.fw.Reset(z.sw)
	if ref, ok := z.dims[name]; ok {
		z.head = &dimensionWriter{w: entryWriter{z}, ref: ref}
		return z.head, nil
	}
	return entryWriter{z}, nil
}

// dimensionWriter sets the ref of the first <dimension> element of a
// worksheet part as the bytes pass. The element comes right after the
// root's opening tag, so only the first few hundred bytes are held back;
// past maxDimensionHead, or once <sheetData starts, the part is passed on
// unchanged.
type dimensionWriter struct {
	w    io.Writer
	ref  string
	head []byte
	done bool
}

const maxDimensionHead = 64 << 10

func (d *dimensionWriter) Write(p []byte) (int, error) {
	if d.done {
		return d.w.Write(p)
	}
	d.head = append(d.head, p...)
	const open = `<dimension ref="`
	i := bytes.Index(d.head, []byte(open))
	data := bytes.Index(d.head, []byte("<sheetData"))
	switch {
	case i >= 0 && (data < 0 || i < data):
		start := i + len(open)
		end := bytes.IndexByte(d.head[start:], '"')
		if end < 0 {
			if len(d.head) < maxDimensionHead {
				return len(p), nil
			}
			break
		}
		fixed := slices.Concat(d.head[:start], []byte(d.ref), d.head[start+end:])
		d.head = fixed
	case data < 0 && len(d.head) < maxDimensionHead:
		return len(p), nil // the element may still come
	}
	return len(p), d.flush()
}

// flush passes on what is held back; the entry's end calls it too, for a
// part shorter than the search.
func (d *dimensionWriter) flush() error {
	if d.done {
		return nil
	}
	d.done = true
	_, err := d.w.Write(d.head)
	d.head = nil
	return err
}

// AddFS is part of excelize.ZipWriter; excelize never calls it when saving.
func (z *spoolZip) AddFS(fs.FS) error { return errors.New("spoolZip: AddFS not supported") }

func (z *spoolZip) endEntry() error {
	if z.err != nil {
		return z.err
	}
	if z.cur == nil {
		return nil
	}
	if h := z.head; h != nil {
		z.head = nil
		if err := h.flush(); err != nil {
			z.err = err
			return err
		}
	}
	if err := z.fw.Close(); err != nil {
		z.err = err
		return err
	}
	z.cur.crc = z.crc.Sum32()
	z.cur.csize = z.off + int64(z.sw.Buffered()) - z.cur.off
	z.cur = nil
	return nil
}

// Close writes the zip to dst. The spool file is closed but left for the
// caller to remove with its temporary directory.
func (z *spoolZip) Close() error {
	defer z.spool.Close()
	err := z.endEntry()
	if err == nil {
		err = z.sw.Flush()
	}
	if err != nil {
		return fmt.Errorf("spool workbook: %w", err)
	}
	order := make([]int, len(z.entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ea, eb := z.entries[order[a]].name, z.entries[order[b]].name
		if (ea == "[Content_Types].xml") != (eb == "[Content_Types].xml") {
			return ea == "[Content_Types].xml"
		}
		return ea < eb
	})
	zw := zip.NewWriter(z.dst)
	for _, i := range order {
		e := &z.entries[i]
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: e.name, Method: zip.Deflate, CRC32: e.crc,
			CompressedSize64: uint64(e.csize), UncompressedSize64: uint64(e.usize),
		})
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, io.NewSectionReader(z.spool, e.off, e.csize)); err != nil {
			return err
		}
	}
	return zw.Close()
}
