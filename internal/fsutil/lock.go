package fsutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked is returned by TryLock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock is an exclusive lock on a file: flock(2) on Unix, LockFileEx on
// Windows. It belongs to the open file, so it is released when the process
// dies, and two Locks on one path conflict within one process too. On Unix
// it is advisory; on Windows it is mandatory, so the lock file is never
// read or written, only locked.
type Lock struct{ f *flock.Flock }

// TryLock takes the lock on path (created 0600 if missing) or fails at once
// with ErrLocked.
func TryLock(path string) (*Lock, error) {
	f := flock.New(path, flock.SetPermissions(0o600))
	ok, err := f.TryLock()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
	}
	return &Lock{f: f}, nil
}

// LockContext waits for the lock on path until it is free or ctx ends,
// trying every poll: polling a non-blocking lock is what lets a waiting
// process still honour Ctrl-C.
func LockContext(ctx context.Context, path string, poll time.Duration) (*Lock, error) {
	f := flock.New(path, flock.SetPermissions(0o600))
	ok, err := f.TryLockContext(ctx, poll)
	if err == nil && !ok {
		err = ErrLocked
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock and closes the file; the file stays.
func (l *Lock) Unlock() error {
	if err := l.f.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Path(), err)
	}
	return nil
}
