package export

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
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
	return entryWriter{z}, nil
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
