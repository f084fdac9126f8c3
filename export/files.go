package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// outFile is one output file being written. Writes go through a buffer and
// are hashed on their way to disk, so the manifest gets size and sha256
// without reading the file again.
type outFile struct {
	rel string // slash-separated, relative to the export directory
	f   *os.File
	h   hash.Hash
	n   int64
	bw  *bufio.Writer
}

const outBufSize = 256 << 10

func (o *outFile) Write(p []byte) (int, error) { return o.bw.Write(p) }

// hashedFile is the writer under the buffer: disk first, then the hash, so
// the hash only covers bytes that reached the file.
type hashedFile outFile

func (o *hashedFile) Write(p []byte) (int, error) {
	n, err := o.f.Write(p)
	o.h.Write(p[:n])
	o.n += int64(n)
	return n, err
}

// finish flushes, syncs and closes the file and reports what was written.
func (o *outFile) finish() (FileResult, error) {
	err := o.bw.Flush()
	if err == nil {
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return FileResult{}, fmt.Errorf("write %s: %w", o.rel, err)
	}
	return FileResult{Path: o.rel, Size: o.n, SHA256: hex.EncodeToString(o.h.Sum(nil))}, nil
}

// abort closes the file without flushing; the Sink removes it.
func (o *outFile) abort() { _ = o.f.Close() }

// fileSet creates files and directories under the export directory and
// remembers them, so Abort removes exactly what this Sink made and nothing
// the caller put there.
type fileSet struct {
	dir     string
	created []string // absolute paths in creation order
}

// create makes the file rel (slash-separated), and any missing parent
// directories. It refuses to overwrite: the export directory starts empty,
// so an existing file means two tables mapped to one name.
func (s *fileSet) create(rel string) (*outFile, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return nil, fmt.Errorf("create %s: path is not local to the export directory", rel)
	}
	if err := s.mkdirAll(pathDir(rel)); err != nil {
		return nil, err
	}
	abs := filepath.Join(s.dir, filepath.FromSlash(rel))
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", rel, err)
	}
	s.created = append(s.created, abs)
	o := &outFile{rel: rel, f: f, h: sha256.New()}
	o.bw = bufio.NewWriterSize((*hashedFile)(o), outBufSize)
	return o, nil
}

// mkdirAll creates rel and its parents, recording each one it made.
func (s *fileSet) mkdirAll(rel string) error {
	if rel == "" {
		return nil
	}
	abs := filepath.Join(s.dir, filepath.FromSlash(rel))
	if fi, err := os.Stat(abs); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("mkdir %s: exists and is not a directory", rel)
		}
		return nil
	}
	if err := s.mkdirAll(pathDir(rel)); err != nil {
		return err
	}
	if err := os.Mkdir(abs, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("mkdir %s: %w", rel, err)
	}
	s.created = append(s.created, abs)
	return nil
}

// removeAll deletes what create and mkdirAll made, newest first, so
// directories are empty by the time their turn comes.
func (s *fileSet) removeAll() {
	for i := len(s.created) - 1; i >= 0; i-- {
		_ = os.Remove(s.created[i])
	}
	s.created = nil
}

// pathDir is path.Dir for relative slash paths, with "" for the top level.
func pathDir(rel string) string {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return ""
	}
	return rel[:i]
}
