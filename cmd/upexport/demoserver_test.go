package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe bytes.Buffer for the command's stdout.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoServerCommand runs `upexport demo-server` in-process: it prints
// exactly one JSON line with the documented keys, serves, and exits 0 when
// its context is cancelled (as on SIGINT/SIGTERM).
func TestDemoServerCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"upexport", "demo-server", "--addr", "127.0.0.1:0", "--days", "10", "--auto-approve", "--seed", "5"},
			strings.NewReader(""), &stdout, &stderr)
	}()
	var line string
	deadline := time.Now().Add(10 * time.Second)
	for line == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no info line; stderr: %s", stderr.String())
		}
		select {
		case code := <-done:
			t.Fatalf("demo-server exited early with %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if out := stdout.String(); strings.HasSuffix(out, "\n") {
			line = out
		}
	}
	var info map[string]string
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("info line %q: %v", line, err)
	}
	for _, k := range []string{"base_url", "api_url", "auth_url", "token_url", "device_url", "revoke_url", "client_id", "client_secret"} {
		if info[k] == "" {
			t.Errorf("info line lacks %s: %s", k, line)
		}
	}
	if !strings.HasSuffix(info["api_url"], "/nudge/api/v.1.1") || !strings.HasPrefix(info["base_url"], "http://127.0.0.1:") {
		t.Errorf("info %v", info)
	}
	// It serves: an unauthenticated API call gets the UP 401 envelope.
	resp, err := http.Get(info["api_url"] + "/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !bytes.Contains(body, []byte(`"code":401`)) {
		t.Errorf("API without token: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit code %d after interrupt, want 0; stderr %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo-server did not stop after the context was cancelled")
	}
	if n := strings.Count(stdout.String(), "\n"); n != 1 {
		t.Errorf("stdout has %d lines, want exactly one", n)
	}
}

func TestDemoServerFlagsFromEnv(t *testing.T) {
	t.Setenv("UPEXPORT_DEMO_DAYS", "0")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"upexport", "demo-server"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitUsage || stdout.Len() != 0 {
		t.Errorf("UPEXPORT_DEMO_DAYS=0: exit %d, stdout %q; want %d and nothing printed", code, stdout.String(), exitUsage)
	}
}
