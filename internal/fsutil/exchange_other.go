//go:build !linux && !darwin

package fsutil

import "errors"

// exchange: no atomic exchange of two names here (Windows, the BSDs);
// ReplaceDir renames in two steps.
func exchange(a, b string) error { return errors.ErrUnsupported }
