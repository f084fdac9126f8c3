package main

import (
	"fmt"
	"runtime/debug"
)

// Set at build time by the release script:
//
//	-ldflags "-X main.version=v1.2.0 -X main.commit=<sha> -X main.date=<RFC 3339>"
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// buildVersion is what --version prints: the version, the commit and the
// build date. What -ldflags did not set comes from the build information
// Go embeds: the module version under `go install ...@vX`, and the VCS
// revision and commit time in a build from a git checkout.
func buildVersion(version, commit, date string, bi *debug.BuildInfo) string {
	modified := false
	if bi != nil {
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	} else if modified {
		commit += "+modified"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", version, commit, date)
}

// toolVersion is buildVersion for this binary.
func toolVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(version, commit, date, bi)
}
