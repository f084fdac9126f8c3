package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// ciJob plays one scheduled CI job: a fresh runner (its own temp dir),
// the secret in UPEXPORT_REFRESH_TOKEN, the rotated token to
// UPEXPORT_REFRESH_TOKEN_OUT, the export directory from the cache.
type ciJob struct {
	t       *testing.T
	d       *authtest.Demo
	args    []string // provider flags
	out     string   // the cached export directory
	secret  string   // the CI secret's value
	summary string   // $GITHUB_STEP_SUMMARY, shared by the jobs as a log
}

func newCIJob(t *testing.T, cfg upserver.Config) *ciJob {
	t.Helper()
	d := authtest.NewDemo(t, cfg)
	_, args := cliEnv(t, d)
	_, rt, err := d.IssueToken(0, nil) // the login on the laptop
	if err != nil {
		t.Fatal(err)
	}
	return &ciJob{t: t, d: d, args: args, out: filepath.Join(t.TempDir(), "up"), secret: rt,
		summary: filepath.Join(t.TempDir(), "summary.md")}
}

// run runs the export step with the secret as it is now and returns the
// result and the file the rotated token was to be written to.
func (j *ciJob) run(extra ...string) (cliResult, string) {
	j.t.Helper()
	tokenOut := filepath.Join(j.t.TempDir(), "refresh_token") // $RUNNER_TEMP of this job
	j.t.Setenv(auth.EnvRefreshToken, j.secret)
	j.t.Setenv(auth.EnvRefreshTokenOut, tokenOut)
	j.t.Setenv(envStepSummary, j.summary)
	args := append([]string{"export", "--incremental", "--endpoints", "moves,sleeps,meals", "--format", "csv", "--out", j.out}, extra...)
	r := runAuthCLI(j.t, nil, nil, append(args, j.args...)...)
	return r, tokenOut
}

// handOver is the workflow step that stores the rotated token back as the
// secret.
func (j *ciJob) handOver(tokenOut string) {
	j.t.Helper()
	b, err := os.ReadFile(tokenOut)
	if err != nil {
		j.t.Fatalf("no rotated refresh token to hand over: %v", err)
	}
	next := strings.TrimSpace(string(b))
	if next == "" || next == j.secret {
		j.t.Fatalf("the out file holds %q, the secret was %q", next, j.secret)
	}
	j.secret = next
}

// noSecrets fails if output shows a refresh token or the client secret.
func (j *ciJob) noSecrets(r cliResult, tokens ...string) {
	j.t.Helper()
	for _, s := range append(tokens, j.d.Login.ClientSecret) {
		if strings.Contains(r.stdout+r.stderr, s) {
			j.t.Errorf("the CI log shows a secret:\n%s", r.stderr)
		}
	}
}

// TestScheduledRuns plays the schedule of the example workflows: runs in a
// row, each handing the rotated refresh token over to the next, the export
// directory carried between them like a CI cache, one run whose cache was
// lost, and what each run tells the person reading the CI log.
func TestScheduledRuns(t *testing.T) {
	j := newCIJob(t, upserver.Config{Days: 10, AccessTTL: 2 * time.Second})

	r, tokenOut := j.run()
	if r.code != 0 {
		t.Fatalf("first run: %+v", r)
	}
	j.noSecrets(r, j.secret)
	if !strings.Contains(r.stderr, "since the previous export: ") || !strings.Contains(r.stderr, " changed, 0 unchanged") {
		t.Errorf("first run: no change line:\n%s", r.stderr)
	}
	old := j.secret
	j.handOver(tokenOut)
	j.noSecrets(r, j.secret, old)

	// Something happens on the server; the second run is slowed so the
	// 2-second access token expires during it and is refreshed (and the
	// refresh token rotated) again: the out file must hold the last one.
	for ep, n := range map[string]int{"moves": 1, "meals": 1} {
		if err := j.d.Touch(0, ep, n, 1); err != nil {
			t.Fatal(err)
		}
	}
	before := j.d.Grants("refresh_token")
	r, tokenOut = j.run("--rate", "1")
	if r.code != 0 {
		t.Fatalf("second run: %+v", r)
	}
	if n := j.d.Grants("refresh_token") - before; n < 2 {
		t.Errorf("second run refreshed %d times; the test wants a refresh during the run", n)
	}
	if !strings.Contains(r.stderr, "(moves +1 ~1, ") || !strings.Contains(r.stderr, ", meals +1 ~1, ") {
		t.Errorf("second run: change line:\n%s", r.stderr)
	}
	j.handOver(tokenOut)

	r, tokenOut = j.run()
	if r.code != 0 || !strings.Contains(r.stderr, "since the previous export: no rows added or changed") {
		t.Fatalf("third run: %+v", r)
	}
	j.handOver(tokenOut)
	m3, err := export.ReadManifest(j.out)
	if err != nil {
		t.Fatal(err)
	}

	// The cache was lost: a full export, every row new again, the same data.
	if err := os.RemoveAll(j.out); err != nil {
		t.Fatal(err)
	}
	r, tokenOut = j.run()
	if r.code != 0 || !strings.Contains(r.stderr, " 0 changed, 0 unchanged") {
		t.Fatalf("run after a lost cache: %+v", r)
	}
	j.handOver(tokenOut)
	m4, err := export.ReadManifest(j.out)
	if err != nil {
		t.Fatal(err)
	}
	for i, tb := range m4.Tables {
		if tb.Rows != m3.Tables[i].Rows || tb.Changes == nil || tb.Changes.Added != tb.Rows {
			t.Errorf("%s after the lost cache: %d rows (%+v), before %d", tb.Name, tb.Rows, tb.Changes, m3.Tables[i].Rows)
		}
	}

	// The job summary page got one section per run, appended.
	md, err := os.ReadFile(j.summary)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(md), "### upexport: "); n != 4 {
		t.Errorf("%d summaries in $GITHUB_STEP_SUMMARY, want 4:\n%s", n, md)
	}
	for _, want := range []string{"| moves | 11 | 1 | 1 | 9 |", "Since the previous export: **0 added, 0 changed**"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(string(md), j.secret) {
		t.Error("the summary shows the refresh token")
	}
}

// TestScheduleHandOverForgotten: a workflow that does not store the rotated
// token back runs the next time with the spent one: exit 3, a message that
// says how to recover, and the previous export kept.
func TestScheduleHandOverForgotten(t *testing.T) {
	j := newCIJob(t, upserver.Config{Days: 5})
	if r, _ := j.run(); r.code != 0 {
		t.Fatalf("first run: %+v", r)
	}
	before, err := os.ReadFile(filepath.Join(j.out, export.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	// No handOver: the secret still holds the spent token.
	r, _ := j.run()
	if r.code != exitLoginNeeded {
		t.Fatalf("exit %d, want %d: %s", r.code, exitLoginNeeded, r.stderr)
	}
	for _, want := range []string{"$" + auth.EnvRefreshToken + " was refused", "run 'upexport login' on your own machine",
		"copy the new refresh token", "into the CI secret", auth.EnvRefreshTokenOut} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in:\n%s", want, r.stderr)
		}
	}
	j.noSecrets(r, j.secret)
	after, err := os.ReadFile(filepath.Join(j.out, export.ManifestName))
	if err != nil || string(after) != string(before) {
		t.Errorf("the previous export changed: %v", err)
	}
	// The recovery: a new login on the laptop, copied into the secret.
	_, j.secret, _ = j.d.IssueToken(0, nil)
	if r, _ := j.run(); r.code != 0 {
		t.Fatalf("after the recovery: %+v", r)
	}
}

// TestScheduleTokenOutUnwritable: when the rotated token could not be
// written, the run stops before it spends the refresh token (exit 2), says
// so, and the secret keeps working once the path is fixed.
func TestScheduleTokenOutUnwritable(t *testing.T) {
	j := newCIJob(t, upserver.Config{Days: 5})
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"parent is a file": filepath.Join(file, "refresh_token"), // unwritable even for root
		"a directory":      t.TempDir(),
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(auth.EnvRefreshToken, j.secret)
			t.Setenv(auth.EnvRefreshTokenOut, path)
			before := j.d.TokenHits.Load()
			r := runAuthCLI(t, nil, nil, append([]string{"export", "--incremental", "--endpoints", "moves", "--out", j.out}, j.args...)...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want %d: %s", r.code, exitUsage, r.stderr)
			}
			for _, want := range []string{"$" + auth.EnvRefreshTokenOut, path, "nothing was sent to the server", "$" + auth.EnvRefreshToken + " still works"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("no %q in:\n%s", want, r.stderr)
				}
			}
			if n := j.d.TokenHits.Load() - before; n != 0 {
				t.Errorf("%d token requests: the refresh token was spent", n)
			}
			if _, err := os.Stat(j.out); !os.IsNotExist(err) {
				t.Errorf("an export was written: %v", err)
			}
		})
	}
	r, tokenOut := j.run()
	if r.code != 0 {
		t.Fatalf("with the path fixed: %+v", r)
	}
	j.handOver(tokenOut)
}

// TestScheduleOverlap: a scheduled run that starts while the previous one
// still writes the same export directory stops at once, before it uses the
// refresh token, with exit 1; the first run is unharmed.
func TestScheduleOverlap(t *testing.T) {
	j := newCIJob(t, upserver.Config{Days: 5})
	j.d.TokenDelay = 2 * time.Second // the first run waits in its refresh, holding the directory
	var wg sync.WaitGroup
	var first cliResult
	var firstOut string
	wg.Add(1)
	go func() {
		defer wg.Done()
		first, firstOut = j.run()
	}()
	deadline := time.Now().Add(10 * time.Second)
	for j.d.TokenHits.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first run never asked for a token")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	second := runAuthCLI(t, nil, nil, append([]string{"export", "--incremental", "--endpoints", "moves,sleeps,meals", "--format", "csv", "--out", j.out}, j.args...)...)
	took := time.Since(start)
	wg.Wait()
	if second.code != exitFailure || !strings.Contains(second.stderr, "another upexport run is writing it right now") {
		t.Errorf("second run: %+v", second)
	}
	if took > j.d.TokenDelay {
		t.Errorf("the second run took %s: it did not stop at once", took)
	}
	if n := j.d.Grants("refresh_token"); n != 1 {
		t.Errorf("%d refreshes: the second run used the refresh token", n)
	}
	if first.code != 0 {
		t.Fatalf("first run: %+v", first)
	}
	j.handOver(firstOut)
}
