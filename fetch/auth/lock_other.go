//go:build !unix && !windows

package auth

import "os"

// tryLock: no advisory locks here; a single process is still safe.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) {}
