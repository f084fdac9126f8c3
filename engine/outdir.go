package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// outDir is the export directory of one run. The run writes everything into
// a temporary directory beside it and swaps that in only on success, so a
// crash, Ctrl-C or kill -9 leaves the previous export as it was.
type outDir struct {
	path string   // the export directory the user named
	tmp  string   // where this run writes
	lock *os.File // held for the whole run: one writer per directory
}

// ErrNotExport is returned for an output directory that holds something
// other than an export.
var ErrNotExport = errors.New("exists and is not an upexport export")

// ErrNoArchive is returned for a --from-raw directory with no raw archive
// to export from.
var ErrNoArchive = errors.New("holds no archive")

// prepareOut locks out, clears what crashed runs left beside it and creates
// the run's temporary directory. isExport tells whether a directory holds a
// previous export (it may be replaced); any other non-empty directory is
// refused unless force is set.
func prepareOut(out string, force bool, isExport func(string) (bool, error)) (*outDir, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	lock, err := lockFile(filepath.Join(parent, "."+base+".lock"))
	if err != nil {
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	o := &outDir{path: abs, lock: lock}
	if err := o.check(force, isExport); err != nil {
		o.unlock()
		return nil, err
	}
	// Only a run holding the lock writes temporary directories, so any
	// left now belong to runs that died.
	stale, _ := filepath.Glob(filepath.Join(parent, "."+base+".tmp-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	o.tmp, err = os.MkdirTemp(parent, "."+base+".tmp-")
	if err == nil {
		// MkdirTemp makes it 0700; an export is as readable as any directory.
		err = os.Chmod(o.tmp, 0o755)
	}
	if err != nil {
		o.abort()
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	return o, nil
}

func (o *outDir) check(force bool, isExport func(string) (bool, error)) error {
	fi, err := os.Stat(o.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output directory %s: %w", o.path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output %s is a file, not a directory", o.path)
	}
	entries, err := os.ReadDir(o.path)
	if err != nil {
		return fmt.Errorf("output directory %s: %w", o.path, err)
	}
	if len(entries) == 0 || force {
		return nil
	}
	ok, err := isExport(o.path)
	if err != nil {
		return fmt.Errorf("output directory %s: %w", o.path, err)
	}
	if !ok {
		return fmt.Errorf("output directory %s %w (no manifest.json); choose another --out, or --force to replace it (its contents are kept aside, not deleted)", o.path, ErrNotExport)
	}
	return nil
}

// commit swaps the finished temporary directory in. A previous export is
// removed; any other previous contents (--force) are kept aside under a
// name that is printed.
func (o *outDir) commit(isExport func(string) (bool, error)) (keptAside string, err error) {
	defer o.unlock()
	if err := syncDir(o.tmp); err != nil {
		return "", err
	}
	_, err = os.Lstat(o.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(o.tmp, o.path); err != nil {
			return "", fmt.Errorf("move export into %s: %w", o.path, err)
		}
		return "", syncDir(filepath.Dir(o.path))
	case err != nil:
		return "", err
	}
	wasExport, _ := isExport(o.path)
	empty := isEmptyDir(o.path)
	// One atomic step: at every instant the directory holds one whole export.
	if err := unix.Renameat2(unix.AT_FDCWD, o.tmp, unix.AT_FDCWD, o.path, unix.RENAME_EXCHANGE); err != nil {
		// No renameat2 (not Linux, old kernel, some file systems): two renames.
		// A crash between them leaves the old export at .tmp-old, restored by
		// nobody automatically but not lost.
		old := o.tmp + "-old"
		if err := os.Rename(o.path, old); err != nil {
			return "", fmt.Errorf("swap export into %s: %w", o.path, err)
		}
		if err := os.Rename(o.tmp, o.path); err != nil {
			os.Rename(old, o.path)
			return "", fmt.Errorf("swap export into %s: %w", o.path, err)
		}
		o.tmp = old
	}
	if err := syncDir(filepath.Dir(o.path)); err != nil {
		return "", err
	}
	if wasExport || empty {
		return "", os.RemoveAll(o.tmp)
	}
	aside := fmt.Sprintf("%s.replaced-%s", o.path, time.Now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(o.tmp, aside); err != nil {
		return "", fmt.Errorf("keep the replaced contents of %s: %w", o.path, err)
	}
	return aside, nil
}

// abort removes what the run wrote and leaves the previous export alone.
func (o *outDir) abort() {
	if o.tmp != "" {
		os.RemoveAll(o.tmp)
	}
	o.unlock()
}

func (o *outDir) unlock() {
	if o.lock != nil {
		unix.Flock(int(o.lock.Fd()), unix.LOCK_UN)
		o.lock.Close()
		o.lock = nil
	}
}

func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errors.New("another upexport run is writing it right now")
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !strings.Contains(err.Error(), "invalid argument") {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}
