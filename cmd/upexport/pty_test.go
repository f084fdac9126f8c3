//go:build linux || darwin

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

var (
	ptyBinaryOnce sync.Once
	ptyBinary     string
	ptyBinaryErr  error
)

// builtBinary compiles upexport once per test process (with the race
// detector when the tests run with it) for the tests that run it on a
// pseudo-terminal, as a person does.
func builtBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ptyBinaryOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			ptyBinaryErr = err
			return
		}
		dir, err := os.MkdirTemp("", "upexport-e2e-")
		if err != nil {
			ptyBinaryErr = err
			return
		}
		ptyBinary = filepath.Join(dir, "upexport")
		args := []string{"build", "-o", ptyBinary}
		if raceBuild {
			args = append(args, "-race")
		}
		if out, err := exec.Command(gobin, append(args, ".")...).CombinedOutput(); err != nil {
			ptyBinaryErr = errors.New(string(out))
		}
	})
	if ptyBinaryErr != nil {
		t.Fatalf("building upexport: %v", ptyBinaryErr)
	}
	return ptyBinary
}

// ptyRun is the binary running on a pseudo-terminal of a given size, with
// everything it draws fed to a screen.
type ptyRun struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	raw  bytes.Buffer
	scr  *screen
	done chan struct{}
	code int
}

// startPTY runs upexport with args on a cols x rows terminal. env is added
// to a clean environment (HOME and the config directory in a temporary
// directory, TERM=xterm-256color, no UPEXPORT_* of the person running the
// tests).
func startPTY(t *testing.T, cols, rows int, env []string, args ...string) *ptyRun {
	t.Helper()
	bin := builtBinary(t)
	home := t.TempDir()
	base := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "TERM=xterm-256color",
		"PATH=" + os.Getenv("PATH"), "GORACE=halt_on_error=1"}
	if raceBuild {
		// The race detector writes its report to stderr, which is the
		// terminal: also into a file the test reads.
		base[len(base)-1] += " log_path=" + filepath.Join(home, "race")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(base, env...)
	cmd.Dir = home
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		t.Fatalf("starting upexport on a pty: %v", err)
	}
	r := &ptyRun{t: t, cmd: cmd, tty: tty, scr: newScreen(cols, rows), done: make(chan struct{})}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := tty.Read(buf)
			r.mu.Lock()
			r.raw.Write(buf[:n])
			r.scr.write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				break // EIO once the process and its children are gone
			}
		}
		err := cmd.Wait()
		r.code = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				r.code = 128 + int(ws.Signal())
			}
		} else if err != nil {
			r.code = -1
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			cmd.Process.Kill()
			<-r.done
		}
		tty.Close()
		if raceBuild {
			matches, _ := filepath.Glob(filepath.Join(home, "race*"))
			for _, m := range matches {
				b, _ := os.ReadFile(m)
				t.Errorf("race detector report:\n%s", b)
			}
		}
	})
	return r
}

// screenText is what the terminal shows now.
func (r *ptyRun) screenText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scr.String()
}

// rawOutput is every byte the program wrote to the terminal.
func (r *ptyRun) rawOutput() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.raw.String()
}

// waitScreen waits until the screen shows want, failing after timeout.
func (r *ptyRun) waitScreen(want string, timeout time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(r.screenText(), want) {
			return
		}
		select {
		case <-r.done:
			if strings.Contains(r.screenText(), want) {
				return
			}
			r.t.Fatalf("the program ended (exit %d) without showing %q; the screen:\n%s", r.code, want, r.screenText())
		case <-time.After(20 * time.Millisecond):
		}
	}
	r.t.Fatalf("the screen did not show %q within %v; it shows:\n%s", want, timeout, r.screenText())
}

// wait waits for the program to end and returns its exit code. A program
// still running after timeout has hung: the test fails with the screen and
// a goroutine dump.
func (r *ptyRun) wait(timeout time.Duration) int {
	r.t.Helper()
	select {
	case <-r.done:
		return r.code
	case <-time.After(timeout):
	}
	r.cmd.Process.Signal(syscall.SIGQUIT) // the Go runtime dumps its goroutines
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
	}
	raw := r.rawOutput()
	r.t.Fatalf("hung: still running after %v; the screen:\n%s\n\nthe goroutines:\n%s", timeout, r.screenText(), tail(raw, 20000))
	return -1
}

// type sends keys as a person types them; "\x03" is Ctrl-C.
func (r *ptyRun) typeKeys(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.tty, s); err != nil {
		r.t.Fatalf("typing %q: %v", s, err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
