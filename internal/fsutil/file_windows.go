package fsutil

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a file being written that replaces its path only on Commit.
type File struct {
	path string
	f    *os.File
	done bool
}

// CreateFile starts writing path: the data goes to a temporary file beside
// it. Windows has no permission bits: perm is ignored, and the file gets the
// ACL it inherits from its directory.
func CreateFile(path string, perm fs.FileMode) (*File, error) {
	// renameio does not build on Windows; this is its recipe by hand.
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{path: path, f: f}, nil
}

func (f *File) Write(b []byte) (int, error) { return f.f.Write(b) }

// Commit flushes the file and renames it over path (MoveFileEx with
// MOVEFILE_REPLACE_EXISTING).
func (f *File) Commit() error {
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.f.Name())
		return fmt.Errorf("replace %s: %w", f.path, err)
	}
	f.done = true
	return nil
}

// Cleanup removes the temporary file unless Commit succeeded.
func (f *File) Cleanup() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}
