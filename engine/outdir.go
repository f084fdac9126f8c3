package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/upexport/upexport/internal/fsutil"
)

// outDir is the export directory of one run. The run writes everything into
// a temporary directory beside it and swaps that in only on success, so a
// crash, Ctrl-C or kill -9 leaves the previous export as it was.
type outDir struct {
	path string       // the export directory, symbolic links resolved
	tmp  string       // where this run writes
	lock *fsutil.Lock // held for the whole run: one writer per directory
}

// ErrNotExport is returned for an output directory that holds something
// other than an export.
var ErrNotExport = errors.New("exists and is not an upexport export")

// ErrNoArchive is returned for a --from-raw directory with no raw archive
// to export from.
var ErrNoArchive = errors.New("holds no archive")

// ErrBadOut is returned for an output directory that must never be
// replaced: none given, a file-system root, the home directory, or a
// symbolic link to nowhere.
var ErrBadOut = errors.New("bad output directory")

// prepareOut locks out, clears what crashed runs left beside it and creates
// the run's temporary directory. isExport tells whether a directory holds a
// previous export (it may be replaced); any other non-empty directory is
// refused unless force is set.
func prepareOut(out string, force bool, isExport func(string) (bool, error), log *slog.Logger) (*outDir, error) {
	abs, err := resolveOut(out, log)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	lock, err := fsutil.TryLock(filepath.Join(parent, "."+base+".lock"))
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, fmt.Errorf("output directory %s: another upexport run is writing it right now", abs)
	}
	if err != nil {
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	o := &outDir{path: abs, lock: lock}
	// Under the lock: a run that crashed while replacing the directory
	// may have left the previous export under a backup name.
	restored, err := fsutil.RecoverDir(abs)
	if err != nil {
		o.unlock()
		return nil, fmt.Errorf("output directory %s: %w", abs, err)
	}
	if restored {
		log.Warn("a crashed run left the previous export aside; it is back in place", "dir", abs)
	}
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

// CheckOut reports, without creating anything, whether out may be an
// output directory; Run checks the same. A refusal wraps ErrBadOut.
func CheckOut(out string) error {
	_, err := resolveOut(out, slog.New(slog.DiscardHandler))
	return err
}

// resolveOut makes out absolute and resolves symbolic links in it, so that
// runs through a link and through its target take the same lock and the
// export lands in the target instead of replacing the link. It refuses
// directories whose replacement would be a disaster.
func resolveOut(out string, log *slog.Logger) (string, error) {
	if out == "" {
		return "", fmt.Errorf("%w: none given (--out is empty)", ErrBadOut)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", fmt.Errorf("output directory %s: %w", out, err)
	}
	resolved := abs
	fi, err := os.Lstat(abs)
	switch {
	case err == nil:
		resolved, err = filepath.EvalSymlinks(abs)
		if err != nil {
			target, _ := os.Readlink(abs)
			return "", fmt.Errorf("%w: %s is a symbolic link to %s, which cannot be followed: %v", ErrBadOut, abs, target, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			log.Info("the output directory is a symbolic link; exporting into its target", "link", abs, "target", resolved)
		}
	case errors.Is(err, fs.ErrNotExist):
		// A link further up still counts: resolve the deepest existing parent.
		if p, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			resolved = filepath.Join(p, filepath.Base(abs))
		}
	default:
		return "", fmt.Errorf("output directory %s: %w", abs, err)
	}
	if filepath.Dir(resolved) == resolved {
		return "", fmt.Errorf("%w: %s is the root of a file system, which an export would replace; name a directory below it", ErrBadOut, resolved)
	}
	if home, err := os.UserHomeDir(); err == nil && sameDir(home, resolved) {
		return "", fmt.Errorf("%w: %s is your home directory, which an export would replace; name a directory inside it", ErrBadOut, resolved)
	}
	return resolved, nil
}

// sameDir reports whether a and b are the same existing directory,
// whatever links or letter case lead to it.
func sameDir(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
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

// commit moves the finished temporary directory into place. A previous
// export is replaced as a whole (fsutil.ReplaceDir: atomically on Linux and
// macOS, recoverably elsewhere); any other previous contents (--force) are
// kept aside under a name that is printed.
func (o *outDir) commit(isExport func(string) (bool, error)) (keptAside string, err error) {
	defer o.unlock()
	if err := fsutil.SyncDir(o.tmp); err != nil {
		return "", err
	}
	parent := filepath.Dir(o.path)
	_, err = os.Lstat(o.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(o.tmp, o.path); err != nil {
			return "", fmt.Errorf("move export into %s: %w", o.path, err)
		}
		return "", fsutil.SyncDir(parent)
	case err != nil:
		return "", err
	}
	if ok, _ := isExport(o.path); ok || isEmptyDir(o.path) {
		if err := fsutil.ReplaceDir(o.tmp, o.path); err != nil {
			return "", fmt.Errorf("swap export into %s: %w", o.path, err)
		}
		return "", nil
	}
	// Not an export (--force): its contents go aside first, under a name
	// that is printed; a crash before the export moves in loses nothing.
	aside := fmt.Sprintf("%s.replaced-%s", o.path, time.Now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(o.path, aside); err != nil {
		return "", fmt.Errorf("keep the replaced contents of %s: %w", o.path, err)
	}
	if err := os.Rename(o.tmp, o.path); err != nil {
		return aside, fmt.Errorf("move export into %s (its previous contents are in %s): %w", o.path, aside, err)
	}
	return aside, fsutil.SyncDir(parent)
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
		o.lock.Unlock()
		o.lock = nil
	}
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}
