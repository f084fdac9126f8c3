package fsutil

import "golang.org/x/sys/unix"

// exchange swaps the directories a and b in one step, renameat2 with
// RENAME_EXCHANGE. It fails on file systems that do not support the flag
// (and kernels before 3.15); ReplaceDir then renames in two steps.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
