//go:build race

package main

// raceBuild says the tests run under the race detector, so the binaries
// they build for end-to-end runs are built with it too.
const raceBuild = true
