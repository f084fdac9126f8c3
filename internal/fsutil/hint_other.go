//go:build !windows

package fsutil

const openHint = ""
