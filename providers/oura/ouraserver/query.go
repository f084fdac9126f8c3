package ouraserver

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// filter is how a collection reads start_date and end_date (§5).
type filter uint8

const (
	// byTime keeps start <= time <= end, the time being the document's
	// timestamp (or its day's local midnight). A date-only end is local
	// midnight, so daily_activity (04:00) of the end day falls outside
	// and daily_sleep (00:00) stays inside.
	byTime filter = iota
	// byStart keeps start <= start time < end.
	byStart
	// bySleepDay keeps start < day < end: sleep periods, whose start date
	// the live API treats as exclusive too.
	bySleepDay
	// byInstant is start_datetime <= timestamp < end_datetime (heart rate).
	byInstant
	// none takes no dates (ring_configuration).
	none
)

type docType struct {
	gen    func(d *dataset, n int64) []doc
	filter filter
	page   func(cfg Config) int
}

func docs(cfg Config) int    { return cfg.PageSize }
func samples(cfg Config) int { return cfg.SamplePageSize }

// types are the list routes. Their documents' shapes are in §8.
var types = map[string]docType{
	"daily_activity":           {(*dataset).dailyActivity, byTime, docs},
	"daily_sleep":              {(*dataset).dailySleep, byTime, docs},
	"daily_readiness":          {(*dataset).dailyReadiness, byTime, docs},
	"daily_spo2":               {(*dataset).dailySpO2, byTime, docs},
	"daily_stress":             {(*dataset).dailyStress, byTime, docs},
	"daily_resilience":         {(*dataset).dailyResilience, byTime, docs},
	"daily_cardiovascular_age": {(*dataset).dailyCardiovascularAge, byTime, docs},
	"vO2_max":                  {(*dataset).vO2Max, byTime, docs},
	"sleep":                    {(*dataset).sleep, bySleepDay, docs},
	"sleep_time":               {(*dataset).sleepTime, byStart, docs},
	"heartrate":                {(*dataset).heartrate, byInstant, samples},
	"workout":                  {(*dataset).workout, byStart, docs},
	"session":                  {(*dataset).session, byStart, docs},
	"tag":                      {(*dataset).tag, byStart, docs},
	"enhanced_tag":             {(*dataset).enhancedTag, byStart, docs},
	"rest_mode_period":         {(*dataset).restModePeriod, byStart, docs},
	"ring_configuration":       {nil, none, docs},
}

// scopeOf is the scope each route needs (§2, the table of routes).
var scopeOf = map[string]string{
	"daily_activity": "daily", "daily_sleep": "daily", "daily_readiness": "daily", "daily_stress": "daily",
	"daily_resilience": "daily", "daily_cardiovascular_age": "daily", "vO2_max": "daily", "sleep": "daily",
	"sleep_time": "daily", "rest_mode_period": "daily", "ring_configuration": "daily",
	"daily_spo2": "spo2Daily", "heartrate": "heartrate", "workout": "workout", "session": "session",
	"tag": "tag", "enhanced_tag": "tag",
}

// bound is a date parameter: an instant when it carries an offset, else
// a local wall-clock time (a date is local midnight, §6).
type bound struct {
	t    time.Time
	wall bool
}

func parseBound(s string) (bound, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return bound{t: t, wall: true}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return bound{t: t}, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return bound{t: t, wall: true}, true
	}
	return bound{}, false
}

// cmp compares t with b: as instants, or as wall clocks when b is local.
func (b bound) cmp(t time.Time) int {
	if b.wall {
		y, m, d := t.Date()
		t = time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	return t.Compare(b.t)
}

// day is the bound's day number, give or take one for an instant.
func (b bound) day() int64 { return civil(b.t.UTC()) }

func (f filter) keep(t time.Time, start, end bound) bool {
	a, z := start.cmp(t), end.cmp(t)
	switch f {
	case byTime:
		return a >= 0 && z <= 0
	case bySleepDay:
		return a > 0 && z < 0
	default:
		return a >= 0 && z < 0
	}
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if typ == "personal_info" {
		s.handlePersonal(w, r)
		return
	}
	dt, ok := types[typ]
	if !ok {
		detail(w, http.StatusNotFound, "Not Found")
		return
	}
	if !s.authorize(w, r, typ) {
		return
	}
	q := r.URL.Query()
	off := 0
	if tok := q.Get("next_token"); tok != "" {
		if off, ok = decodeToken(tok); !ok {
			validation(w, "next_token", "value_error", "Invalid next token", tok)
			return
		}
	}
	var all []doc
	if dt.filter == none {
		all = s.data.ringConfiguration()
	} else {
		startParam, endParam := "start_date", "end_date"
		if dt.filter == byInstant {
			startParam, endParam = "start_datetime", "end_datetime"
		}
		start, end, ok := s.bounds(w, q.Get(startParam), q.Get(endParam), startParam, endParam, dt.filter == byInstant)
		if !ok {
			return
		}
		for n := max(start.day()-2, s.data.first); n <= min(end.day()+2, s.data.last); n++ {
			for _, d := range dt.gen(s.data, n) {
				if dt.filter.keep(d.at, start, end) {
					all = append(all, d)
				}
			}
		}
	}
	size := dt.page(s.cfg)
	data := make([]map[string]any, 0, size)
	for i := off; i < len(all) && i < off+size; i++ {
		data = append(data, all[i].obj)
	}
	var next any
	if off+size < len(all) {
		next = encodeToken(off + size)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "next_token": next})
}

// bounds reads the date parameters, with defaults when they are missing
// (undocumented, §5: the last day; for heart rate the last 24 hours).
func (s *Server) bounds(w http.ResponseWriter, a, z, aName, zName string, instant bool) (start, end bound, ok bool) {
	if instant {
		now := s.cfg.Now()
		start, end = bound{t: now.Add(-24 * time.Hour)}, bound{t: now}
	} else {
		end = bound{t: dayTime(s.data.last + 1), wall: true}
		start = bound{t: dayTime(s.data.last - 1), wall: true}
	}
	if a != "" {
		if start, ok = parseBound(a); !ok {
			validation(w, aName, "date_from_datetime_parsing", "Input should be a valid date or datetime", a)
			return
		}
	}
	if z != "" {
		if end, ok = parseBound(z); !ok {
			validation(w, zName, "date_from_datetime_parsing", "Input should be a valid date or datetime", z)
			return
		}
	}
	if start.t.After(end.t) {
		validation(w, aName, "value_error", "Start date must be before end date", a)
		return start, end, false
	}
	return start, end, true
}

func encodeToken(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(off)))
}

func decodeToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
	return n, err == nil && n >= 0 && strings.HasPrefix(string(b), "offset:")
}

// handlePersonal serves the single personal_info document: the id with
// any token, the profile with personal, the address with email (§2).
func (s *Server) handlePersonal(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r, "personal_info") {
		return
	}
	at, _ := s.oauth.Authenticate(r)
	p := s.data.personalInfo()
	if !at.Scopes.Has("personal") {
		for _, k := range []string{"age", "weight", "height", "biological_sex"} {
			p[k] = nil
		}
	}
	if !at.Scopes.Has("email") {
		p["email"] = nil
	}
	writeJSON(w, http.StatusOK, p)
}

// handleOne serves /v2/usercollection/<type>/{id}: the bare document, or
// 404 {"detail": "Document not found."} (§3).
func (s *Server) handleOne(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	dt, ok := types[typ]
	if !ok || dt.filter == byInstant {
		detail(w, http.StatusNotFound, "Not Found")
		return
	}
	if !s.authorize(w, r, typ) {
		return
	}
	var found map[string]any
	if dt.filter == none {
		for _, d := range s.data.ringConfiguration() {
			if d.obj["id"] == id {
				found = d.obj
			}
		}
	}
	for n := s.data.first; dt.gen != nil && found == nil && n <= s.data.last; n++ {
		for _, d := range dt.gen(s.data, n) {
			if d.obj["id"] == id {
				found = d.obj
			}
		}
	}
	if found == nil {
		detail(w, http.StatusNotFound, "Document not found.")
		return
	}
	writeJSON(w, http.StatusOK, found)
}
