package upserver

import (
	"encoding/json"
	"net/http"
	"strings"
)

// meta is the envelope's meta object (reference §3, errors §8).
type meta struct {
	UserXID     string `json:"user_xid,omitempty"`
	Message     string `json:"message"`
	Code        int    `json:"code"`
	ErrorType   string `json:"error_type,omitempty"`
	ErrorDetail string `json:"error_detail,omitempty"`
	Time        int64  `json:"time"`
}

type envelope struct {
	Meta meta `json:"meta"`
	Data any  `json:"data"`
}

// apiError is an API failure, sent with the UP error envelope.
type apiError struct {
	status    int
	errorType string
	detail    string
}

func apiErr(status int, errorType, detail string) *apiError {
	return &apiError{status: status, errorType: errorType, detail: detail}
}

func badParam(detail string) *apiError {
	return apiErr(http.StatusBadRequest, "invalid_parameter", detail)
}

func notFound(detail string) *apiError { return apiErr(http.StatusNotFound, "not_found", detail) }

// requirement is the scope an endpoint needs: every scope of all, and at
// least one of any.
type requirement struct {
	all []string
	any []string
}

// missing names the scope the token lacks, or "" if it has enough.
func (q requirement) missing(have scopeSet) string {
	for _, sc := range q.all {
		if !have.has(sc) {
			return sc
		}
	}
	if len(q.any) == 0 {
		return ""
	}
	for _, sc := range q.any {
		if have.has(sc) {
			return ""
		}
	}
	return strings.Join(q.any, " or ")
}

// apiRequest is what an API handler gets: the authenticated user and scopes.
type apiRequest struct {
	r      *http.Request
	user   int
	xid    string
	scopes scopeSet
}

type apiFunc func(*apiRequest) (any, *apiError)

// apiHandler checks the bearer token, the scope and the {uid} path value,
// then runs f and wraps its result in the envelope.
func (s *Server) apiHandler(name string, need requirement, f apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.countEndpoint(name)
		tok, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="UP"`)
			s.writeAPIError(w, r, "", apiErr(http.StatusUnauthorized, "authentication_error", "You must be logged in to perform that action: no Bearer token"))
			return
		}
		at, ok, expired := s.auth.lookupAccess(tok, s.now())
		if !ok {
			detail := "You must be logged in to perform that action: invalid access token"
			if expired {
				detail = "You must be logged in to perform that action: access token expired"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="UP", error="invalid_token"`)
			s.writeAPIError(w, r, "", apiErr(http.StatusUnauthorized, "authentication_error", detail))
			return
		}
		ar := &apiRequest{r: r, user: at.grant.user, xid: s.data.user(at.grant.user).xid, scopes: at.scopes}
		if s.quota != nil {
			if ae := s.quota.serve(w, ar.user, s.now()); ae != nil {
				s.writeAPIError(w, r, ar.xid, ae)
				return
			}
		}
		if sc := need.missing(at.scopes); sc != "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="UP", error="insufficient_scope", scope="`+sc+`"`)
			s.writeAPIError(w, r, ar.xid, apiErr(http.StatusForbidden, "authorization_error", "the access token lacks the scope "+sc))
			return
		}
		if uid := r.PathValue("uid"); uid != "" && uid != "@me" && uid != ar.xid {
			s.writeAPIError(w, r, ar.xid, apiErr(http.StatusForbidden, "authorization_error", "the access token cannot read user "+uid))
			return
		}
		data, ae := f(ar)
		if ae != nil {
			s.writeAPIError(w, r, ar.xid, ae)
			return
		}
		s.writeEnvelope(w, http.StatusOK, envelope{
			Meta: meta{UserXID: ar.xid, Message: "OK", Code: http.StatusOK, Time: s.now().Unix()},
			Data: data,
		})
	})
}

// bearerToken extracts an RFC 6750 §2.1 bearer token; only the header form
// is accepted, as UP clients used (reference §1).
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, userXID string, e *apiError) {
	s.log.Info("api error", "path", r.URL.Path, "status", e.status, "detail", e.detail)
	s.writeEnvelope(w, e.status, envelope{
		Meta: meta{
			UserXID:     userXID,
			Message:     http.StatusText(e.status),
			Code:        e.status,
			ErrorType:   e.errorType,
			ErrorDetail: e.detail,
			Time:        s.now().Unix(),
		},
		Data: struct{}{},
	})
}

func (s *Server) writeEnvelope(w http.ResponseWriter, status int, env envelope) {
	body, err := json.Marshal(env)
	if err != nil {
		http.Error(w, "encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
