// Package fsutil holds the file-system guarantees upexport relies on, in one
// place and for every OS it runs on: files replaced atomically, advisory
// locks between processes, and a directory replaced as a whole.
//
// What is atomic where:
//
//   - CreateFile/WriteFile: everywhere, a reader or a crash sees the old or
//     the new file, never a torn one (a rename over the old name; on
//     Windows MoveFileEx with MOVEFILE_REPLACE_EXISTING).
//   - ReplaceDir: on Linux and macOS one system call exchanges the two
//     directories, so the name holds one whole directory at every instant.
//     Elsewhere, and on Linux file systems without RENAME_EXCHANGE, it takes
//     two renames through a backup name; a crash between them leaves the
//     old directory complete under that name, and RecoverDir puts it back.
package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFile writes data to path atomically, with perm (less the umask) on
// systems that have permission bits. The directory must exist.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	f, err := CreateFile(path, perm)
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// SyncDir makes the entries of dir (a rename into it) durable. File systems
// that cannot sync a directory, and Windows, where directory handles cannot
// be flushed and NTFS journals its metadata, are not an error.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	// EINVAL: the file system cannot sync directories.
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }
