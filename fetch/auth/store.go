package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrNoToken is returned by TokenStore.Load when nothing is stored.
var ErrNoToken = errors.New("no token stored")

// TokenStore keeps one token chain. There are three: FileStore (a person's
// login), EnvStore (CI secrets) and MemoryStore (demo mode and tests).
type TokenStore interface {
	// Load returns the stored token or an error wrapping ErrNoToken.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save replaces the stored token.
	Save(ctx context.Context, tok *oauth2.Token) error
	// Delete removes the stored token; deleting nothing is not an error.
	Delete(ctx context.Context) error
	// Update is read-modify-write under the store's lock, which for a file
	// spans processes: fn gets the token as stored now (nil if none) and
	// returns the token to keep. If that is not the very token fn was given,
	// it is saved before the lock is released. Refresh runs inside fn, so a
	// rotated refresh token is never used twice.
	Update(ctx context.Context, fn func(cur *oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error)
	// String says where the token lives, for messages; never the token.
	String() string
}

// record is the on-disk form. oauth2.Token drops its extras when
// marshalled, so the granted scopes and the user are kept next to it.
type record struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	ExpiresIn    int64     `json:"expires_in,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	User         string    `json:"user_id,omitempty"`
}

func marshalToken(tok *oauth2.Token) ([]byte, error) {
	return json.MarshalIndent(record{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		ExpiresIn:    tok.ExpiresIn,
		Scope:        strings.Join(Scopes(tok), " "),
		User:         User(tok),
	}, "", "  ")
}

func unmarshalToken(data []byte) (*oauth2.Token, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		// json errors quote at most a byte offset, never the content.
		return nil, fmt.Errorf("token file is not valid JSON: %w", err)
	}
	if r.AccessToken == "" && r.RefreshToken == "" {
		return nil, fmt.Errorf("token file holds no token: %w", ErrNoToken)
	}
	tok := &oauth2.Token{
		AccessToken:  r.AccessToken,
		TokenType:    r.TokenType,
		RefreshToken: r.RefreshToken,
		Expiry:       r.Expiry,
		ExpiresIn:    r.ExpiresIn,
	}
	return withExtras(tok, strings.Fields(r.Scope), r.User), nil
}

// MemoryStore keeps a token in memory only: demo mode must never touch the
// user's real token file.
type MemoryStore struct {
	mu  sync.Mutex
	tok *oauth2.Token
}

// NewMemoryStore returns a store holding tok (which may be nil).
func NewMemoryStore(tok *oauth2.Token) *MemoryStore { return &MemoryStore{tok: tok} }

func (m *MemoryStore) Load(context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == nil {
		return nil, ErrNoToken
	}
	return m.tok, nil
}

func (m *MemoryStore) Save(_ context.Context, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tok = tok
	return nil
}

func (m *MemoryStore) Delete(context.Context) error { return m.Save(context.Background(), nil) }

func (m *MemoryStore) Update(_ context.Context, fn func(*oauth2.Token) (*oauth2.Token, error)) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tok, err := fn(m.tok)
	if err != nil {
		return nil, err
	}
	m.tok = tok
	return tok, nil
}

func (m *MemoryStore) String() string { return "memory (not saved)" }
