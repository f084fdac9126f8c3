package fitbitserver

import (
	"net/http"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
)

// tokenEndpoint is POST /oauth2/token: internal/oauthserver's grants with
// Fitbit's answers (token_response.json: user_id and the granted scopes
// space-separated; errors in the errors form of §3), and 409 to a second
// use of a refresh token within ConflictWindow of the first, which is how
// Fitbit answers two clients refreshing at once (§2).
func (s *Server) tokenEndpoint() http.Handler { return s.oauth.TokenHandler(tokenWriter{s}) }

type tokenWriter struct{ s *Server }

func (tw tokenWriter) WriteToken(w http.ResponseWriter, r *http.Request, t *oauthserver.Token) {
	if r.Form.Get("grant_type") == "refresh_token" {
		tw.s.noteRefresh(r.Form.Get("refresh_token"))
	}
	oauthserver.WriteNoStoreJSON(w, http.StatusOK, map[string]any{
		"access_token":  t.AccessToken,
		"expires_in":    int64(t.ExpiresIn / time.Second),
		"refresh_token": t.RefreshToken,
		"scope":         t.Scope,
		"token_type":    t.TokenType,
		"user_id":       t.UserID,
	})
}

func (tw tokenWriter) WriteError(w http.ResponseWriter, r *http.Request, e *oauthserver.Error) {
	status, msg := e.Status, e.Description
	if r.Form != nil && r.Form.Get("grant_type") == "refresh_token" && e.Code == "invalid_grant" &&
		tw.s.refreshedRecently(r.Form.Get("refresh_token")) {
		status, msg = http.StatusConflict, "Refresh token invalid: multiple clients attempting to refresh the same token"
	}
	if e.Status == http.StatusMethodNotAllowed && e.Allow != "" {
		w.Header().Set("Allow", e.Allow)
	}
	if e.Status == http.StatusUnauthorized && e.Basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="api.fitbit.com"`)
	}
	item := map[string]string{"errorType": e.Code, "message": msg}
	oauthserver.WriteNoStoreJSON(w, status, map[string]any{"errors": []any{item}, "success": false})
}

// noteRefresh remembers that a refresh token was spent, for
// ConflictWindow; older entries go, so the map holds only the last minute's
// refreshes.
func (s *Server) noteRefresh(token string) {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, at := range s.used {
		if now.Sub(at) >= ConflictWindow {
			delete(s.used, t)
		}
	}
	s.used[token] = now
}

func (s *Server) refreshedRecently(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.used[token]
	return ok && s.cfg.Now().Sub(at) < ConflictWindow
}
