package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/upexport/upexport/internal/fsutil"
)

// stateVersion changes when the archive's layout does; an archive of another
// version is not merged into but fetched anew.
const stateVersion = 1

// state is what a run remembers for the next: per endpoint, the high-water
// mark of time_updated that incremental runs ask the API to pass.
type state struct {
	Version   int                      `json:"version"`
	Provider  string                   `json:"provider,omitempty"`
	APIURL    string                   `json:"api_url"`
	UserXID   string                   `json:"user_xid"`
	Since     *time.Time               `json:"since,omitempty"`
	Until     *time.Time               `json:"until,omitempty"`
	Endpoints map[string]endpointState `json:"endpoints"`
}

type endpointState struct {
	Items     int   `json:"items"`
	HighWater int64 `json:"high_water,omitempty"` // largest time_updated, epoch s
	LastDate  int   `json:"last_date,omitempty"`  // mood, trends: last date fetched, YYYYMMDD
	// LastCreated is the largest time_created of items without
	// time_updated (band events), epoch s.
	LastCreated int64  `json:"last_created,omitempty"`
	Skipped     string `json:"skipped,omitempty"` // why nothing was fetched
	// Failed is why fetching failed in a --keep-going run; the archive then
	// holds no items of the endpoint.
	Failed string `json:"failed,omitempty"`
	// Stale says the items are those of an earlier run, kept because this
	// run failed to fetch the endpoint (--keep-going); FetchedAt is still
	// when they were fetched.
	Stale     bool      `json:"stale,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
}

const stateFile = "state.json"

func readState(rawDir string) (*state, error) {
	b, err := os.ReadFile(filepath.Join(rawDir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(rawDir, stateFile), err)
	}
	return &s, nil
}

func writeState(rawDir string, s *state) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(rawDir, stateFile), append(b, '\n'), 0o644)
}
