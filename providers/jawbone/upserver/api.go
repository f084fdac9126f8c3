package upserver

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/upexport/upexport/internal/oauthserver"
)

// meta is the envelope's meta object (§3, errors §8).
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
func (q requirement) missing(have oauthserver.Scopes) string {
	for _, sc := range q.all {
		if !have.Has(sc) {
			return sc
		}
	}
	if len(q.any) == 0 {
		return ""
	}
	for _, sc := range q.any {
		if have.Has(sc) {
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
	scopes oauthserver.Scopes
}

type apiFunc func(*apiRequest) (any, *apiError)

// apiHandler checks the bearer token, the scope and the {uid} path value,
// then runs f and wraps its result in the envelope.
func (s *Server) apiHandler(name string, need requirement, f apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.countEndpoint(name)
		at, err := s.oauth.Authenticate(r)
		if err != nil {
			challenge, detail := `Bearer realm="UP", error="invalid_token"`, "invalid access token"
			switch {
			case errors.Is(err, oauthserver.ErrNoToken):
				challenge, detail = `Bearer realm="UP"`, "no Bearer token"
			case errors.Is(err, oauthserver.ErrExpiredToken):
				detail = "access token expired"
			}
			w.Header().Set("WWW-Authenticate", challenge)
			s.writeAPIError(w, r, "", apiErr(http.StatusUnauthorized, "authentication_error", "You must be logged in to perform that action: "+detail))
			return
		}
		user := userIndex(at)
		ar := &apiRequest{r: r, user: user, xid: s.data.user(user).xid, scopes: at.Scopes}
		if s.quota != nil {
			if ae := s.quota.serve(w, ar.user, s.now()); ae != nil {
				s.writeAPIError(w, r, ar.xid, ae)
				return
			}
		}
		if sc := need.missing(at.Scopes); sc != "" {
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
