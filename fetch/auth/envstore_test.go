package auth_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
)

// TestEnvStoreLostRotation: when a rotated refresh token cannot be written
// to the out file although CheckOut passed (the directory went away during
// the run), the store fails with ErrLoginRequired at once and on every
// later call, names the way back, and never shows the token.
func TestEnvStoreLostRotation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runner-temp")
	out := filepath.Join(dir, "refresh_token")
	env := map[string]string{auth.EnvRefreshToken: "old-rt", auth.EnvRefreshTokenOut: out}
	s, ok := auth.NewEnvStore(func(k string) string { return env[k] }, nil)
	if !ok {
		t.Fatal("no store")
	}
	if err := s.CheckOut(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil { // now a file: no directory can be made there
		t.Fatal(err)
	}
	_, err := s.Update(t.Context(), func(*oauth2.Token) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: "at", RefreshToken: "new-rt-secret"}, nil
	})
	if !errors.Is(err, auth.ErrLoginRequired) || !strings.Contains(err.Error(), out) || !strings.Contains(err.Error(), "upexport login") {
		t.Fatalf("Update: %v", err)
	}
	if strings.Contains(err.Error(), "new-rt-secret") {
		t.Errorf("the error shows the token: %v", err)
	}
	if _, err := s.Load(t.Context()); !errors.Is(err, auth.ErrLoginRequired) {
		t.Errorf("Load after the loss: %v", err)
	}
}

// TestEnvStoreCheckOut: an out file that cannot be written is found before
// the refresh token is used.
func TestEnvStoreCheckOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		out string
		ok  bool
	}{
		{filepath.Join(t.TempDir(), "new", "dir", "rt"), true},
		{file, true}, // replaced by the atomic write
		{"", true},   // nothing to check; the rotation warning says the rest
		{filepath.Join(file, "rt"), false},
		{t.TempDir(), false},
	} {
		env := map[string]string{auth.EnvRefreshToken: "rt", auth.EnvRefreshTokenOut: tt.out}
		s, _ := auth.NewEnvStore(func(k string) string { return env[k] }, nil)
		if err := s.CheckOut(); (err == nil) != tt.ok {
			t.Errorf("%q: %v", tt.out, err)
		}
		if ents, _ := os.ReadDir(filepath.Dir(file)); len(ents) != 1 {
			t.Errorf("%q: the check left files behind: %v", tt.out, ents)
		}
	}
}

// TestEnvStoreTrimsSecret: a secret stored from the out file, or pasted,
// with a trailing newline is the token without it.
func TestEnvStoreTrimsSecret(t *testing.T) {
	env := map[string]string{auth.EnvRefreshToken: "rt-1\n", auth.EnvAccessToken: " at-1\r\n"}
	s, ok := auth.NewEnvStore(func(k string) string { return env[k] }, nil)
	if !ok {
		t.Fatal("no store")
	}
	tok, err := s.Load(t.Context())
	if err != nil || tok.RefreshToken != "rt-1" || tok.AccessToken != "at-1" {
		t.Fatalf("%+v, %v", tok, err)
	}
	env = map[string]string{auth.EnvRefreshToken: " \n"}
	if _, ok := auth.NewEnvStore(func(k string) string { return env[k] }, nil); ok {
		t.Error("white space alone counts as a token")
	}
}
