package auth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// Environment variables for unattended use.
const (
	EnvRefreshToken    = "UPEXPORT_REFRESH_TOKEN"
	EnvAccessToken     = "UPEXPORT_ACCESS_TOKEN"
	EnvRefreshTokenOut = "UPEXPORT_REFRESH_TOKEN_OUT"
)

// EnvStore serves a token given in the environment (a CI secret). When the
// server rotates the refresh token, the one in the environment is dead: the
// new one goes to the file named by UPEXPORT_REFRESH_TOKEN_OUT for the job
// to store back as its secret, and a loud warning is logged if there is no
// such file.
type EnvStore struct {
	outPath string
	logf    func(format string, a ...any)

	mu       sync.Mutex
	tok      *oauth2.Token
	lastSent string // the refresh token last handed over (env or out file)
	wroteOut bool   // lastSent is in the out file
	// lost is set when a rotated refresh token could not be written out:
	// the run stops, and every later call says why.
	lost error
}

// NewEnvStore reads the token variables through getenv. ok is false when
// neither UPEXPORT_REFRESH_TOKEN nor UPEXPORT_ACCESS_TOKEN is set (an empty
// value counts as unset). logf receives the rotation notices.
func NewEnvStore(getenv func(string) string, logf func(string, ...any)) (s *EnvStore, ok bool) {
	// A secret stored from a file (the out file ends in a newline) or
	// pasted with one must still work: tokens never contain white space.
	rt, at := strings.TrimSpace(getenv(EnvRefreshToken)), strings.TrimSpace(getenv(EnvAccessToken))
	if rt == "" && at == "" {
		return nil, false
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &EnvStore{
		outPath:  getenv(EnvRefreshTokenOut),
		logf:     logf,
		tok:      &oauth2.Token{AccessToken: at, RefreshToken: rt, TokenType: "Bearer"},
		lastSent: rt,
	}, true
}

func (e *EnvStore) String() string {
	if e.tok.RefreshToken != "" {
		return "$" + EnvRefreshToken
	}
	return "$" + EnvAccessToken
}

// savedTo says where a refreshed token went: the environment cannot be
// updated, so only a rotated refresh token written to the _OUT file
// survives the run.
func (e *EnvStore) savedTo() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.wroteOut {
		return fmt.Sprintf("%s ($%s)", e.outPath, EnvRefreshTokenOut)
	}
	return "memory only, for this run ($" + EnvRefreshToken + " is unchanged)"
}

func (e *EnvStore) Load(context.Context) (*oauth2.Token, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lost != nil {
		return nil, e.lost
	}
	if e.tok == nil {
		return nil, ErrNoToken
	}
	return e.tok, nil
}

func (e *EnvStore) Save(_ context.Context, tok *oauth2.Token) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.save(tok)
}

func (e *EnvStore) save(tok *oauth2.Token) error {
	e.tok = tok
	if tok == nil || tok.RefreshToken == "" || tok.RefreshToken == e.lastSent {
		return nil
	}
	if e.outPath == "" {
		e.logf("WARNING: the server rotated the refresh token. The one in $%s no longer works and the new one was NOT saved, "+
			"because $%s is not set. Set %s=<file> so the new token is written there and can be stored back as the CI secret; "+
			"until then, log in again and update the secret.", EnvRefreshToken, EnvRefreshTokenOut, EnvRefreshTokenOut)
		e.lastSent = tok.RefreshToken
		return nil
	}
	if err := writeFileAtomic(e.outPath, []byte(tok.RefreshToken+"\n")); err != nil {
		// The old token is spent and the new one cannot be kept. It is not
		// printed either: CI logs are read by more people than secrets.
		// Going on would end in a run that looks fine and a next run that
		// cannot log in, so stop now, loudly, with the way back.
		e.tok = nil
		e.lost = fmt.Errorf("the server rotated the refresh token, but the new one could not be written to %s ($%s): %w; "+
			"the one in $%s no longer works, so this run stops: log in on your own machine ('upexport login'), "+
			"copy the new refresh token into the CI secret, and fix $%s: %w",
			e.outPath, EnvRefreshTokenOut, err, EnvRefreshToken, EnvRefreshTokenOut, ErrLoginRequired)
		return e.lost
	}
	e.lastSent = tok.RefreshToken
	e.wroteOut = true
	e.logf("the server rotated the refresh token: the new one was written to %s ($%s); store it back as the %s secret, the old one no longer works",
		e.outPath, EnvRefreshTokenOut, EnvRefreshToken)
	return nil
}

func (e *EnvStore) Delete(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tok = nil
	return nil
}

func (e *EnvStore) Update(_ context.Context, fn func(*oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lost != nil {
		return nil, e.lost
	}
	cur := e.tok
	tok, err := fn(cur)
	if err != nil {
		return nil, err
	}
	if tok != cur {
		if err := e.save(tok); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

// CheckOut makes sure a rotated refresh token can be written to
// $UPEXPORT_REFRESH_TOKEN_OUT, before the refresh token is used: once the
// server has rotated it, a new token that cannot be written is lost, and
// with it the login. It creates and removes a file beside the out file, as
// the real write does. Without an out file there is nothing to check.
func (e *EnvStore) CheckOut() error {
	if e.outPath == "" || e.tok.RefreshToken == "" {
		return nil
	}
	if fi, err := os.Stat(e.outPath); err == nil && fi.IsDir() {
		return fmt.Errorf("$%s names %s, which is a directory: name a file in it", EnvRefreshTokenOut, e.outPath)
	}
	dir := filepath.Dir(e.outPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("$%s: cannot write %s: %w", EnvRefreshTokenOut, e.outPath, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(e.outPath)+".check-*")
	if err != nil {
		return fmt.Errorf("$%s: cannot write %s: %w", EnvRefreshTokenOut, e.outPath, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
