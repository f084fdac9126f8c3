package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// backupName is where ReplaceDir keeps dir's old contents while it swaps in
// two steps. It is fixed, so RecoverDir finds it after a crash.
func backupName(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".previous")
}

// trashPattern matches what ReplaceDir and RecoverDir move out of the way
// to delete; a deletion that fails (a file held open by another program on
// Windows) is retried by the next RecoverDir instead of failing a run.
func trashPattern(dir string) string { return backupName(dir) + "-*" }

// discard renames path to a fresh trash name and removes it, ignoring a
// failed removal: the next RecoverDir tries again.
func discard(dir, path string) error {
	trash, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(backupName(dir))+"-")
	if err != nil {
		return err
	}
	if err := os.Remove(trash); err != nil {
		return err
	}
	if err := os.Rename(path, trash); err != nil {
		return err
	}
	_ = os.RemoveAll(trash)
	return nil
}

// ReplaceDir replaces the existing directory dir by the directory src, in
// the same parent directory, and removes dir's old contents. On Linux and
// macOS it exchanges the two in one step. Elsewhere (and where the file
// system refuses the exchange) it renames dir to the backup name
// .<dir>.previous beside it, src to dir, and removes the backup: a crash leaves one of the two complete, dir
// or the backup, and RecoverDir sorts that out. On Windows a directory with
// a file open in another program cannot be renamed: the error says so and
// dir is left as it was.
//
// The caller must hold a lock that keeps other ReplaceDir and RecoverDir
// calls on dir out.
func ReplaceDir(src, dir string) error { return replaceDir(src, dir, exchange) }

func replaceDir(src, dir string, exchange func(a, b string) error) error {
	parent := filepath.Dir(dir)
	if err := exchange(src, dir); err == nil {
		if err := SyncDir(parent); err != nil {
			return err
		}
		// src now holds the old contents; a failed removal leaves only
		// garbage under the caller's temporary name.
		_ = os.RemoveAll(src)
		return nil
	}
	backup := backupName(dir)
	if _, err := os.Lstat(backup); err == nil {
		return fmt.Errorf("replace %s: %s exists: a crashed run's backup that RecoverDir has not dealt with", dir, backup)
	}
	if err := os.Rename(dir, backup); err != nil {
		return fmt.Errorf("replace %s: %w%s", dir, err, openHint)
	}
	if err := os.Rename(src, dir); err != nil {
		if rerr := os.Rename(backup, dir); rerr != nil {
			return fmt.Errorf("replace %s: %w; its previous contents are in %s", dir, err, backup)
		}
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	if err := SyncDir(parent); err != nil {
		return err
	}
	// The swap is done; the backup is garbage now.
	_ = discard(dir, backup)
	return nil
}

// RecoverDir finishes a ReplaceDir of dir that a crash interrupted. If the
// backup exists and dir does not, the crash came between the two renames:
// the backup, the old contents, is renamed back to dir (restored is true).
// If both exist, dir is already the new directory and the backup is
// removed. So is what earlier calls failed to delete. Call it under the
// same lock as ReplaceDir, before using dir.
func RecoverDir(dir string) (restored bool, err error) {
	trash, _ := filepath.Glob(trashPattern(dir))
	for _, t := range trash {
		_ = os.RemoveAll(t)
	}
	backup := backupName(dir)
	if _, err := os.Lstat(backup); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("recover %s: %w", dir, err)
	}
	switch _, err := os.Lstat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(backup, dir); err != nil {
			return false, fmt.Errorf("recover %s from %s: %w", dir, backup, err)
		}
		return true, SyncDir(filepath.Dir(dir))
	case err != nil:
		return false, fmt.Errorf("recover %s: %w", dir, err)
	}
	if err := discard(dir, backup); err != nil {
		return false, fmt.Errorf("recover %s: move %s out of the way: %w", dir, backup, err)
	}
	return false, nil
}
