package auth

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/upexport/upexport/internal/fsutil"
)

// lockPoll is how often a blocked lockFile retries.
const lockPoll = 25 * time.Millisecond

// lockFile takes an exclusive lock on path (created 0600 if missing, in a
// 0700 directory) and returns the function that releases it. It waits until
// the lock is free or ctx ends.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating token directory: %w", err)
	}
	l, err := fsutil.LockContext(ctx, path, lockPoll)
	if err != nil {
		return nil, fmt.Errorf("waiting for the lock on %s (another upexport is refreshing the token): %w", path, err)
	}
	return func() { l.Unlock() }, nil
}

// writeFileAtomic writes data to path, mode 0600, atomically: a crash
// leaves the old or the new token, never a torn one. The directory is
// created 0700. On Windows, where there are no mode bits, the file gets
// the ACL of its directory: under the user's profile (os.UserConfigDir)
// only that user can read it.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return fsutil.WriteFile(path, data, 0o600)
}

func readAllLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}
