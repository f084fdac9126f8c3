package fsutil

import "golang.org/x/sys/unix"

// exchange swaps the directories a and b in one step, renamex_np with
// RENAME_SWAP. It fails on file systems that do not support the flag;
// ReplaceDir then renames in two steps.
func exchange(a, b string) error {
	return unix.RenamexNp(a, b, unix.RENAME_SWAP)
}
