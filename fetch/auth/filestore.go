package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/oauth2"
)

// FileStore keeps the token in a 0600 JSON file, written atomically, with
// an advisory lock (path + ".lock") around every read-modify-write so that
// two upexport processes never refresh with the same refresh token.
type FileStore struct {
	path string
}

// NewFileStore returns a store for the token file at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// DefaultTokenPath is the token file of p's token chain under the user's
// config directory: one file per provider name, token URL and client id.
func DefaultTokenPath(name string, p Server) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory (use --token-file): %w", err)
	}
	path := filepath.Join(dir, "upexport", "token-"+name+"-"+p.Key()+".json")
	// Versions before providers named the file by the key alone. The key
	// hashes the token URL and client id, so such a file holds a token of
	// this very server and app: keep using it where it is.
	legacy := filepath.Join(dir, "upexport", "token-"+p.Key()+".json")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(legacy); err == nil {
			return legacy, nil
		}
	}
	return path, nil
}

func (f *FileStore) String() string { return f.path }

// Path is the token file's path.
func (f *FileStore) Path() string { return f.path }

func (f *FileStore) Load(context.Context) (*oauth2.Token, error) {
	return f.read()
}

func (f *FileStore) read() (*oauth2.Token, error) {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", f.path, ErrNoToken)
	}
	if err != nil {
		return nil, fmt.Errorf("reading token file: %w", err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading token file: %w", err)
	}
	// Windows has no Unix permission bits; there the file inherits the
	// ACL of the user's profile directory.
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("token file %s is readable by other users (mode %#o); refusing to use it. Fix it with: chmod 600 %s",
			f.path, st.Mode().Perm(), f.path)
	}
	data, err := readAllLimited(file, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("reading token file %s: %w", f.path, err)
	}
	tok, err := unmarshalToken(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	return tok, nil
}

func (f *FileStore) Save(ctx context.Context, tok *oauth2.Token) error {
	unlock, err := lockFile(ctx, f.lockPath())
	if err != nil {
		return err
	}
	defer unlock()
	return f.write(tok)
}

func (f *FileStore) write(tok *oauth2.Token) error {
	data, err := marshalToken(tok)
	if err != nil {
		return fmt.Errorf("encoding token: %w", err)
	}
	if err := writeFileAtomic(f.path, data); err != nil {
		return fmt.Errorf("saving token: %w", err)
	}
	return nil
}

func (f *FileStore) Delete(ctx context.Context) error {
	unlock, err := lockFile(ctx, f.lockPath())
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("deleting token file: %w", err)
	}
	return nil
}

func (f *FileStore) Update(ctx context.Context, fn func(*oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	unlock, err := lockFile(ctx, f.lockPath())
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Re-read under the lock: another process may have refreshed (and so
	// rotated the refresh token) since this one loaded the file.
	cur, err := f.read()
	if err != nil && !errors.Is(err, ErrNoToken) {
		return nil, err
	}
	tok, err := fn(cur)
	if err != nil {
		return nil, err
	}
	if tok != cur {
		if err := f.write(tok); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

// lockPath is a separate file because the token file itself is replaced by
// rename on every write, and a lock on a replaced inode protects nothing.
func (f *FileStore) lockPath() string { return f.path + ".lock" }
