package oauthserver

import (
	"bytes"
	"html/template"
	"net/http"
)

// The HTML pages a person sees: consent, device verification, errors.
// html/template escapes every value, so client-supplied state or scope
// text cannot inject markup.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Service}} demo server</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:34em;margin:3em auto;padding:0 1em}
button{font-size:1.1em;margin-right:1em}.err{color:#a00}</style></head><body>
<h1>{{.Service}} demo server</h1>{{end}}

{{define "users"}}{{if gt (len .Users) 1}}<p><label>Sign in as
<select name="user">{{range .Users}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Name}} ({{.Tag}})</option>{{end}}</select></label></p>
{{else}}{{range .Users}}<p>Signed in as <b>{{.Name}}</b> ({{.Tag}}).</p>{{end}}{{end}}{{end}}

{{define "consent"}}{{template "head" .}}
<p>The application <b>{{.ClientID}}</b> asks for access to your {{.Service}} data:</p>
<ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>
<form method="post" action="{{.Action}}">
<input type="hidden" name="request_id" value="{{.RequestID}}">
{{template "users" .}}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>{{end}}

{{define "verify"}}{{template "head" .}}
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<p>Enter the code shown on your device.</p>
<form method="post" action="{{.Action}}">
<p><input name="user_code" value="{{.UserCode}}" autocomplete="off" autofocus size="12"></p>
{{template "users" .}}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>{{end}}

{{define "message"}}{{template "head" .}}<p{{if .Error}} class="err"{{end}}>{{.Text}}</p></body></html>{{end}}
`))

type pageUser struct {
	User
	Selected bool
}

func (s *Server) pageUsers(selected string) []pageUser {
	out := make([]pageUser, len(s.cfg.Users))
	for i, u := range s.cfg.Users {
		out[i] = pageUser{User: u, Selected: u.ID == selected}
	}
	return out
}

func renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY") // no clickjacking of the Allow button
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) consentPage(w http.ResponseWriter, requestID string, req *authRequest) {
	renderPage(w, http.StatusOK, "consent", map[string]any{
		"Service":   s.cfg.Service,
		"ClientID":  req.clientID,
		"Scopes":    []string(req.scopes),
		"Action":    s.cfg.Paths.Consent,
		"RequestID": requestID,
		"Users":     s.pageUsers(req.user),
	})
}

func (s *Server) verifyPage(w http.ResponseWriter, status int, userCode, errText string) {
	renderPage(w, status, "verify", map[string]any{
		"Service":  s.cfg.Service,
		"Action":   s.cfg.Paths.Verify,
		"UserCode": userCode,
		"Error":    errText,
		"Users":    s.pageUsers(s.cfg.Users[0].ID),
	})
}

func (s *Server) errorPage(w http.ResponseWriter, status int, text string) {
	s.log.Info("authorization refused", "status", status, "reason", text)
	renderPage(w, status, "message", map[string]any{"Service": s.cfg.Service, "Text": text, "Error": true})
}

func (s *Server) messagePage(w http.ResponseWriter, status int, text string) {
	renderPage(w, status, "message", map[string]any{"Service": s.cfg.Service, "Text": text, "Error": false})
}
