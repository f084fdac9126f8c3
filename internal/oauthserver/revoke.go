package oauthserver

import (
	"net/http"
)

// handleRevoke is the RFC 7009 revocation endpoint. Revoking a refresh
// token ends the whole grant, its access tokens included; revoking an
// access token ends only that token. Unknown tokens, and tokens of another
// client, are answered 200 as RFC 7009 section 2.2 requires, without
// revoking anything.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	p, c, e := s.clientRequest(r, false)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	tok := p.Get("token")
	if tok == "" {
		e := errInvalidRequest("token is missing")
		e.Basic = c.basic
		s.writeError(w, r, e)
		return
	}
	// token_type_hint is only a hint (section 2.1): both kinds are looked up.
	st := s.st
	st.mu.Lock()
	if g, ok := st.refresh[tok]; ok && g.clientID == c.id {
		st.revokeGrantLocked(g)
	} else if a, ok := st.access[tok]; ok && a.grant.clientID == c.id {
		delete(st.access, tok)
		delete(a.grant.accesses, tok)
	}
	st.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
