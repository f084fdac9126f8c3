package upserver

import (
	"net/http"
)

// listEndpoints are the paged collections under /users/{uid}/, with the
// scopes each needs (§5; bandevents needs both move and sleep).
var listEndpoints = map[string]requirement{
	"moves":          {all: []string{"move_read"}},
	"sleeps":         {all: []string{"sleep_read"}},
	"workouts":       {all: []string{"move_read"}},
	"heartrates":     {all: []string{"heartrate_read"}},
	"body_events":    {all: []string{"weight_read"}},
	"cardiac_events": {all: []string{"cardiac_read"}},
	"generic_events": {all: []string{"generic_event_read"}},
	"meals":          {all: []string{"meal_read"}},
	"bandevents":     {all: []string{"move_read", "sleep_read"}},
}

// Endpoints lists the endpoint names the server serves, as used by
// GroundTruth (list endpoints) and APIRequestsFor (all of them).
func Endpoints() []string {
	return []string{
		"users/@me", "friends", "moves", "sleeps", "workouts", "heartrates", "body_events",
		"cardiac_events", "generic_events", "meals", "mood", "bandevents", "trends", "goals",
		"settings", "timezone", "moves/{xid}", "sleeps/{xid}", "workouts/{xid}", "meals/{xid}",
		"moves/ticks", "sleeps/ticks", "workouts/ticks",
	}
}

func (s *Server) routes() {
	mux := http.NewServeMux()
	s.oauth.Mount(mux)

	api := http.NewServeMux()
	basic := requirement{any: []string{"basic_read", "extended_read"}}
	p := "GET " + APIPrefix
	api.Handle(p+"/users/{uid}", s.apiHandler("users/@me", basic, s.getUser))
	api.Handle(p+"/users/{uid}/friends", s.apiHandler("friends", requirement{all: []string{"friends_read"}}, s.getFriends))
	for name, req := range listEndpoints {
		api.Handle(p+"/users/{uid}/"+name, s.apiHandler(name, req, s.listHandler(name)))
	}
	api.Handle(p+"/users/{uid}/mood", s.apiHandler("mood", requirement{all: []string{"mood_read"}}, s.getMood))
	api.Handle(p+"/users/{uid}/trends", s.apiHandler("trends", basic, s.getTrends))
	api.Handle(p+"/users/{uid}/goals", s.apiHandler("goals", basic, s.getGoals))
	api.Handle(p+"/users/{uid}/settings", s.apiHandler("settings", basic, s.getSettings))
	api.Handle(p+"/users/{uid}/timezone", s.apiHandler("timezone", basic, s.getTimezone))
	for _, name := range []string{"moves", "sleeps", "workouts", "meals"} {
		api.Handle(p+"/"+name+"/{xid}", s.apiHandler(name+"/{xid}", listEndpoints[name], s.objectHandler(name)))
	}
	for _, name := range []string{"moves", "sleeps", "workouts"} {
		api.Handle(p+"/"+name+"/{xid}/ticks", s.apiHandler(name+"/ticks", listEndpoints[name], s.ticksHandler(name)))
	}
	s.api = api
	mux.HandleFunc(apiRootPath, s.serveAPI)
	s.mux = mux
}

// serveAPI counts the request, applies the configured faults, then routes
// it. Unknown paths and wrong methods get the UP error envelope.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	n := s.apiRequests.Add(1)
	_, pattern := s.api.Handler(r)
	if pattern == "" {
		s.countEndpoint("other")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			g := r.Clone(r.Context())
			g.Method = http.MethodGet
			if _, gp := s.api.Handler(g); gp != "" {
				w.Header().Set("Allow", "GET")
				s.faults.serve(w, r, n, s, func(w http.ResponseWriter) {
					s.writeAPIError(w, r, "", apiErr(http.StatusMethodNotAllowed, "method_not_allowed", "method "+r.Method+" is not allowed here"))
				})
				return
			}
		}
		s.faults.serve(w, r, n, s, func(w http.ResponseWriter) {
			s.writeAPIError(w, r, "", apiErr(http.StatusNotFound, "not_found", "no endpoint "+r.URL.Path))
		})
		return
	}
	// ServeHTTP, not the handler found above: only it sets the path values.
	s.faults.serve(w, r, n, s, func(w http.ResponseWriter) { s.api.ServeHTTP(w, r) })
}
