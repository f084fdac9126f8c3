package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "false"}}}
	dirty := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}
	for _, tt := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"ldflags win", "v1.2.0", "fff000", "2026-12-01T00:00:00Z", vcs, "v1.2.0 (commit fff000, built 2026-12-01T00:00:00Z)"},
		{"from git checkout", "dev", "", "", vcs, "dev (commit abc123, built 2026-11-30T10:00:00Z)"},
		{"uncommitted changes", "dev", "", "", dirty, "dev (commit abc123+modified, built unknown)"},
		{"go install @version", "dev", "", "", installed, "v1.4.0 (commit unknown, built unknown)"},
		{"nothing known", "dev", "", "", nil, "dev (commit unknown, built unknown)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildVersion(tt.version, tt.commit, tt.date, tt.bi); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionFlag: --version prints the version line, not just "dev".
func TestVersionFlag(t *testing.T) {
	code, stdout, stderr := runCLI(t, "--version")
	if code != 0 || !strings.Contains(stdout, "upexport version ") || !strings.Contains(stdout, "(commit ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
