//go:build !windows

package fsutil

import (
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// File is a file being written that replaces its path only on Commit.
type File struct {
	path string
	p    *renameio.PendingFile
}

// CreateFile starts writing path: the data goes to a temporary file beside
// it, created with perm less the umask.
func CreateFile(path string, perm fs.FileMode) (*File, error) {
	// The temporary file sits beside path, not in $TMPDIR: the rename must
	// not cross file systems, and nothing is left elsewhere after a crash.
	p, err := renameio.NewPendingFile(path, renameio.WithTempDir(filepath.Dir(path)), renameio.WithPermissions(perm))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{path: path, p: p}, nil
}

func (f *File) Write(b []byte) (int, error) { return f.p.Write(b) }

// Commit syncs the file, renames it over path and syncs the directory.
func (f *File) Commit() error {
	if err := f.p.CloseAtomicallyReplace(); err != nil {
		f.p.Cleanup()
		return fmt.Errorf("replace %s: %w", f.path, err)
	}
	return SyncDir(filepath.Dir(f.path))
}

// Cleanup removes the temporary file unless Commit succeeded.
func (f *File) Cleanup() { f.p.Cleanup() }
