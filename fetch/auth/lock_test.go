package auth_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// TestTwoProcessesRefreshOnce: two processes start with the same expired
// token file; the advisory lock and the re-read under it make exactly one
// of them refresh, and both succeed (issue 8 point 5). Without the lock the
// second would refresh with the already-rotated refresh token and fail.
func TestTwoProcessesRefreshOnce(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{AccessTTL: time.Hour})
	d.TokenDelay = 300 * time.Millisecond // widen the race
	tok := issued(t, d, time.Now(), time.Hour)
	tok.Expiry = time.Now().Add(-time.Minute) // expired as far as the clients know
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	if err := auth.NewFileStore(path).Save(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	goFile := filepath.Join(dir, "go")
	var outs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for i := range cmds {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(),
			childEnv+"=refresh",
			"CHILD_API_URL="+d.APIURL, "CHILD_TOKEN_URL="+d.Login.TokenURL,
			"CHILD_CLIENT_ID="+d.Login.ClientID, "CHILD_CLIENT_SECRET="+d.Login.ClientSecret,
			"CHILD_TOKEN_FILE="+path, "CHILD_GO_FILE="+goFile)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	time.Sleep(200 * time.Millisecond) // both are loaded and polling
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	refreshed := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
		refreshed += strings.Count(outs[i].String(), "refreshes=1")
	}
	if got := d.Grants("refresh_token"); got != 1 || refreshed != 1 {
		t.Errorf("token endpoint saw %d refreshes, processes report %d; want 1 and 1", got, refreshed)
	}
	saved, err := auth.NewFileStore(path).Load(t.Context())
	if err != nil || saved.RefreshToken == tok.RefreshToken {
		t.Errorf("rotated token not in the file: %v", err)
	}
}
