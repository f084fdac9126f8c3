// Package archive stores fetched items as compressed JSON lines, one file per
// endpoint, so that an export can be rebuilt in another format or with a new
// schema without fetching again, and so that incremental runs can merge new
// items into what earlier runs fetched.
//
// A file holds one JSON value per line, zstd-compressed: read one with
// `zstdcat moves.jsonl.zst | jq .`. Readers also accept the same lines
// uncompressed, in a file named endpoint.jsonl (see Find), so an archive
// can be unpacked once and shared with other tools (the benchmarks in
// bench/ flatten the exact files DuckDB and pandas read).
package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/upexport/upexport/internal/fsutil"
)

// Ext is the file name extension of archive files.
const Ext = ".jsonl.zst"

// PlainExt is the extension of an uncompressed archive file, which readers
// accept in place of a compressed one.
const PlainExt = ".jsonl"

// Path is the archive file of an endpoint in dir.
func Path(dir, endpoint string) string { return filepath.Join(dir, endpoint+Ext) }

// Find is the archive file of an endpoint in dir to read: the compressed
// one (Path) if it exists, else an uncompressed endpoint.jsonl. When
// neither exists it returns Path and an error that satisfies
// errors.Is(err, fs.ErrNotExist).
func Find(dir, endpoint string) (string, error) {
	path := Path(dir, endpoint)
	_, err := os.Stat(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return path, err
	}
	plain := filepath.Join(dir, endpoint+PlainExt)
	if _, perr := os.Stat(plain); perr == nil {
		return plain, nil
	}
	return path, err
}

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// Writer writes one archive file. It writes to a temporary name and
// renames on Close, so a reader never sees a torn file.
type Writer struct {
	path  string
	f     *fsutil.File
	zw    *zstd.Encoder
	bw    *bufio.Writer
	lines int
}

// Create starts the archive file at path.
func Create(path string) (*Writer, error) {
	// 0600: the archive holds the user's data as the API sent it.
	f, err := fsutil.CreateFile(path, 0o600)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	// A 1 MiB window: several archives are written at once, and a larger
	// window buys little on JSON lines this repetitive.
	zw, err := zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<20))
	if err != nil {
		f.Cleanup()
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	return &Writer{path: path, f: f, zw: zw, bw: bufio.NewWriterSize(zw, 256<<10)}, nil
}

// Write appends one JSON value. It must be a single line.
func (w *Writer) Write(line []byte) error {
	if bytes.IndexByte(line, '\n') >= 0 {
		return fmt.Errorf("archive %s: value has a newline", filepath.Base(w.path))
	}
	w.bw.Write(line)
	if err := w.bw.WriteByte('\n'); err != nil {
		return fmt.Errorf("archive %s: %w", filepath.Base(w.path), err)
	}
	w.lines++
	return nil
}

// Lines is the number of values written so far.
func (w *Writer) Lines() int { return w.lines }

// Close finishes the file and moves it into place (fsutil.File.Commit).
func (w *Writer) Close() error {
	err := w.bw.Flush()
	if e := w.zw.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = w.f.Commit()
	}
	if err != nil {
		w.f.Cleanup()
		return fmt.Errorf("archive %s: %w", w.path, err)
	}
	return nil
}

// Abort discards what was written.
func (w *Writer) Abort() {
	w.zw.Close()
	w.f.Cleanup()
}

// MaxLine is the longest value a Reader returns. The client refuses
// response bodies larger than this, so a longer line is a damaged file,
// and a few bytes of zstd can expand to gigabytes without a newline.
const MaxLine = 256 << 20

// Reader reads an archive file line by line.
type Reader struct {
	path    string
	f       *os.File
	zr      *zstd.Decoder // nil for an uncompressed file
	br      *bufio.Reader
	buf     []byte
	line    int
	maxLine int // MaxLine; tests lower it
}

// Open opens the archive file at path: zstd-compressed JSON lines, or the
// same lines uncompressed (told apart by the zstd magic number, not the
// name). A missing file is an error that satisfies errors.Is(err,
// fs.ErrNotExist).
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	head, err := br.Peek(len(zstdMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	if !bytes.Equal(head, zstdMagic) {
		return &Reader{path: path, f: f, br: br, maxLine: MaxLine}, nil
	}
	zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	return &Reader{path: path, f: f, zr: zr, br: bufio.NewReaderSize(zr, 256<<10), maxLine: MaxLine}, nil
}

// Next returns the next value, valid until the following call, or io.EOF
// after the last.
func (r *Reader) Next() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			r.line++
			return r.buf[:len(r.buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			if len(r.buf) > r.maxLine {
				return nil, fmt.Errorf("archive %s: line %d is longer than %d bytes: the file is damaged", r.path, r.line+1, r.maxLine)
			}
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf) > 0 {
				return nil, fmt.Errorf("archive %s: line %d is cut short", r.path, r.line+1)
			}
			return nil, io.EOF
		default:
			return nil, fmt.Errorf("archive %s: line %d: %w", r.path, r.line+1, err)
		}
	}
}

// Line is the number of the value Next returned last, from 1.
func (r *Reader) Line() int { return r.line }

// Close releases the file.
func (r *Reader) Close() error {
	if r.zr != nil {
		r.zr.Close()
	}
	return r.f.Close()
}

// Endpoint is the endpoint whose archive file is at path: "moves" for
// ".../moves.jsonl.zst". Messages name it rather than the file, which
// lives in a temporary directory during a run.
func Endpoint(path string) string {
	base := filepath.Base(path)
	if s, ok := strings.CutSuffix(base, Ext); ok {
		return s
	}
	return strings.TrimSuffix(base, PlainExt)
}

// Each calls fn for every value of the archive file at path. An error of
// fn is placed at its item ("moves item 3"): items are numbered like the
// lines of the file.
func Each(path string, fn func(line []byte) error) error {
	r, err := Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		line, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s item %d: %w", Endpoint(path), r.Line(), err)
		}
	}
}
