package engine

import (
	"bytes"
	"context"
	"errors"
	"github.com/upexport/upexport/providers/jawbone"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// onWrite calls fn when a run reaches its write phase, that is while it
// holds the output directory's lock.
type onWrite struct {
	nopObserver
	fn func()
}

func (o onWrite) Phase(p string) {
	if p == "write" {
		o.fn()
	}
}

// TestOutSymlink: an --out that is a symbolic link is resolved: the export
// lands in the target, the link stays a link, a run through the target at
// the same time finds the same lock taken, and the log says so once.
func TestOutSymlink(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 1, Days: 5}, allReadScopes)
	src := filepath.Join(t.TempDir(), "src")
	mustRun(t, d.config(t, src, []string{jawbone.Moves}, false))

	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	var logs bytes.Buffer
	var inner error
	cfg := Config{FromRaw: src, Out: link, Provider: up, Export: export.Options{Format: export.CSV},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Observer: onWrite{fn: func() {
			_, inner = Run(context.Background(), Config{FromRaw: src, Out: target, Provider: up, Export: export.Options{Format: export.CSV}})
		}}}
	res := mustRun(t, cfg)
	if inner == nil || !strings.Contains(inner.Error(), "another upexport run") {
		t.Errorf("a run through the target during a run through the link: err = %v, want the lock taken", inner)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
	if ok, err := export.IsExportDir(target); !ok || err != nil {
		t.Errorf("no export in the target: %v", err)
	}
	if !sameDir(res.Dir, target) {
		t.Errorf("Result.Dir = %s, want the target %s", res.Dir, target)
	}
	if n := strings.Count(logs.String(), "symbolic link"); n != 1 {
		t.Errorf("the log names the link %d times, want once:\n%s", n, logs.String())
	}
}

// TestRefusesDangerousOut: no --out, a file-system root, the home directory
// and a link to a root are refused before anything is created.
func TestRefusesDangerousOut(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "notes.txt"), []byte("mine"), 0o644)
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // Windows
	root, err := filepath.Abs(string(filepath.Separator))
	if err != nil {
		t.Fatal(err)
	}
	links := t.TempDir()
	toRoot, dangling := filepath.Join(links, "root"), filepath.Join(links, "dangling")
	haveLinks := os.Symlink(root, toRoot) == nil && os.Symlink(filepath.Join(links, "nowhere"), dangling) == nil
	for _, out := range []string{"", root, home, toRoot, dangling} {
		t.Run(out, func(t *testing.T) {
			if (out == toRoot || out == dangling) && !haveLinks {
				t.Skip("no symbolic links here")
			}
			_, err := Run(context.Background(), Config{FromRaw: filepath.Join(links, "no-archive"), Out: out, Provider: up, Force: true})
			if !errors.Is(err, ErrBadOut) {
				t.Fatalf("err = %v, want ErrBadOut", err)
			}
		})
	}
	if entries, _ := os.ReadDir(links); len(entries) != 2 {
		t.Errorf("left files beside the links: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(home, "notes.txt")); err != nil {
		t.Errorf("the home directory was touched: %v", err)
	}
}
