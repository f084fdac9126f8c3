package fsutil

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// names lists dir's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range entries {
		n = append(n, e.Name())
	}
	return n
}

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFile(t *testing.T) {
	for _, perm := range []fs.FileMode{0o600, 0o644} {
		dir := t.TempDir()
		path := filepath.Join(dir, "token.json")
		for _, data := range []string{"first", "second, longer"} {
			if err := WriteFile(path, []byte(data), perm); err != nil {
				t.Fatal(err)
			}
			if got := mustRead(t, path); got != data {
				t.Errorf("content %q, want %q", got, data)
			}
		}
		if got := names(t, dir); !slices.Equal(got, []string{"token.json"}) {
			t.Errorf("directory holds %q, want only the file", got)
		}
		if runtime.GOOS == "windows" {
			continue // no permission bits
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		// The test process's umask may remove group and other bits, never
		// the owner's, and never add any.
		if got := st.Mode().Perm(); got&^perm != 0 || got&0o700 != perm&0o700 {
			t.Errorf("perm %v, want %v less the umask", got, perm)
		}
	}
}

func TestCreateFileCleanupKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	mustWrite(t, path, "old")
	f, err := CreateFile(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("half of the new")); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); got != "old" {
		t.Errorf("before Commit the file reads %q, want the old content", got)
	}
	f.Cleanup()
	if got := mustRead(t, path); got != "old" {
		t.Errorf("after Cleanup the file reads %q, want the old content", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"manifest.json"}) {
		t.Errorf("Cleanup left %q", got)
	}
}

func TestWriteFileMissingDir(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "f"), nil, 0o600)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want not exist", err)
	}
}

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".out.lock")
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	// A second lock conflicts even within one process: the lock belongs
	// to the open file.
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second TryLock: err = %v, want ErrLocked", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after Unlock: %v", err)
	}
	l2.Unlock()
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("lock file mode %v, want no group or other bits", st.Mode().Perm())
		}
	}
}

func TestLockContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json.lock")
	held, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := LockContext(ctx, path, 5*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("LockContext on a held lock: err = %v, want the context's error", err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(30 * time.Millisecond)
		held.Unlock()
		close(released)
	}()
	l, err := LockContext(t.Context(), path, 5*time.Millisecond)
	if err != nil {
		t.Fatalf("LockContext after release: %v", err)
	}
	select {
	case <-released:
	default:
		t.Error("LockContext returned while the lock was still held")
	}
	l.Unlock()
}

// exchanges are the ways ReplaceDir may take: the OS's one-step exchange
// and the two renames used where there is none.
var exchanges = map[string]func(a, b string) error{
	"native":    exchange,
	"two-steps": func(a, b string) error { return errors.ErrUnsupported },
}

func TestReplaceDir(t *testing.T) {
	for name, ex := range exchanges {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir, src := filepath.Join(parent, "out"), filepath.Join(parent, ".out.tmp-1")
			mustWrite(t, filepath.Join(dir, "old.csv"), "old")
			mustWrite(t, filepath.Join(dir, "sub", "x"), "old")
			mustWrite(t, filepath.Join(src, "new.csv"), "new")
			if err := replaceDir(src, dir, ex); err != nil {
				t.Fatal(err)
			}
			if got := names(t, dir); !slices.Equal(got, []string{"new.csv"}) {
				t.Errorf("dir holds %q, want the new contents only", got)
			}
			if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Errorf("parent holds %q, want out only (src and the old contents removed)", got)
			}
		})
	}
}

func TestReplaceDirRefusesLeftoverBackup(t *testing.T) {
	parent := t.TempDir()
	dir, src := filepath.Join(parent, "out"), filepath.Join(parent, "new")
	mustWrite(t, filepath.Join(dir, "a"), "old")
	mustWrite(t, filepath.Join(src, "a"), "new")
	mustWrite(t, filepath.Join(backupName(dir), "a"), "older")
	err := replaceDir(src, dir, exchanges["two-steps"])
	if err == nil {
		t.Fatal("ReplaceDir went ahead over a backup RecoverDir had not dealt with")
	}
	if got := mustRead(t, filepath.Join(backupName(dir), "a")); got != "older" {
		t.Errorf("backup now holds %q", got)
	}
	if got := mustRead(t, filepath.Join(dir, "a")); got != "old" {
		t.Errorf("dir now holds %q", got)
	}
}

// TestRecoverDir covers a crash at every point of the two-step ReplaceDir:
// each case is the state the crash leaves, and after RecoverDir dir must
// hold one whole version, and no backup be left.
func TestRecoverDir(t *testing.T) {
	for _, tc := range []struct {
		name         string
		dir, backup  string // contents of file "a"; "" = no directory
		trash        bool   // a discarded backup whose removal failed
		want         string
		wantRestored bool
	}{
		{name: "no crash", dir: "old", want: "old"},
		{name: "after renaming dir aside", backup: "old", want: "old", wantRestored: true},
		{name: "after renaming the new one in", dir: "new", backup: "old", want: "new"},
		{name: "old contents that could not be deleted", dir: "new", trash: true, want: "new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			if tc.dir != "" {
				mustWrite(t, filepath.Join(dir, "a"), tc.dir)
			}
			if tc.backup != "" {
				mustWrite(t, filepath.Join(backupName(dir), "a"), tc.backup)
			}
			if tc.trash {
				mustWrite(t, filepath.Join(backupName(dir)+"-123", "a"), "older")
			}
			restored, err := RecoverDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if restored != tc.wantRestored {
				t.Errorf("restored = %v, want %v", restored, tc.wantRestored)
			}
			if got := mustRead(t, filepath.Join(dir, "a")); got != tc.want {
				t.Errorf("dir holds %q, want %q", got, tc.want)
			}
			if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Errorf("parent holds %q, want out only", got)
			}
		})
	}
}
