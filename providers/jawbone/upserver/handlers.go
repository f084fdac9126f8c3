package upserver

import (
	"net/http"
	"strconv"
)

// listHandler serves /users/{uid}/{ep}: a paged collection.
func (s *Server) listHandler(ep string) apiFunc {
	return func(ar *apiRequest) (any, *apiError) {
		q, ae := parseListQuery(ar.r.URL.Query())
		if ae != nil {
			return nil, ae
		}
		items, more := s.data.daySource(ep, ar.user).page(q)
		if !ar.scopes.Has("location_read") {
			for _, it := range items {
				stripPlace(it.obj)
			}
		}
		return collection(items, more, APIPrefix+"/users/"+ar.xid+"/"+ep, q), nil
	}
}

// objectHandler serves /{ep}/{xid}: one item; meals add their food items
// at data.items.items (§6.10).
func (s *Server) objectHandler(ep string) apiFunc {
	return func(ar *apiRequest) (any, *apiError) {
		xid := ar.r.PathValue("xid")
		it, ok := s.data.findItem(ep, ar.user, xid)
		if !ok {
			return nil, notFound("no " + ep + " item " + xid)
		}
		if ep == "meals" {
			p, _ := s.data.xids.decode(xid)
			c := s.data.day(ar.user, p.day)
			for _, m := range s.data.meals(&c, true) {
				if m.idx == it.idx {
					it.obj["items"] = m.obj["items"]
				}
			}
		}
		if !ar.scopes.Has("location_read") {
			stripPlace(it.obj)
		}
		return it.obj, nil
	}
}

// ticksHandler serves /{ep}/{xid}/ticks, paged like any collection.
func (s *Server) ticksHandler(ep string) apiFunc {
	return func(ar *apiRequest) (any, *apiError) {
		q, ae := parseListQuery(ar.r.URL.Query())
		if ae != nil {
			return nil, ae
		}
		xid := ar.r.PathValue("xid")
		ticks, ok := s.data.ticks(ep, ar.user, xid)
		if !ok {
			return nil, notFound("no " + ep + " item " + xid)
		}
		items, more := singleChunk(ticks).page(q)
		return collection(items, more, APIPrefix+"/"+ep+"/"+xid+"/ticks", q), nil
	}
}

func (s *Server) getUser(ar *apiRequest) (any, *apiError) {
	u := s.data.user(ar.user)
	o := obj{"xid": u.xid, "first": u.first, "last": u.last, "image": "/nudge/image/u/" + u.xid + ".png"}
	if ar.scopes.Has("extended_read") {
		o["weight"], o["height"], o["gender"] = u.weight, u.height, u.gender
	}
	return o, nil
}

// friends are the user's friends: the server's other users (up to five)
// and three people from elsewhere.
func (d *dataset) friends(u int) []string {
	var out []string
	for i := 0; i < d.users && len(out) < 5; i++ {
		if i != u {
			out = append(out, d.user(i).xid)
		}
	}
	for i := range 3 {
		out = append(out, d.xids.encode(xidParts{kind: kindFriend, user: u, idx: i}))
	}
	return out
}

func (s *Server) getFriends(ar *apiRequest) (any, *apiError) {
	fs := s.data.friends(ar.user)
	items := make([]any, len(fs))
	for i, x := range fs {
		items[i] = obj{"xid": x}
	}
	return obj{"items": items, "size": len(items)}, nil
}

// dateParam reads ?date=YYYYMMDD, defaulting to the last day ("today").
func (s *Server) dateParam(r *http.Request) (int64, *apiError) {
	v := r.URL.Query()
	if !v.Has("date") {
		return s.data.end, nil
	}
	n, err := strconv.ParseInt(v.Get("date"), 10, 64)
	day, ok := parseDateInt(n)
	if err != nil || !ok {
		return 0, badParam("date must be YYYYMMDD, got " + strconv.Quote(v.Get("date")))
	}
	return day, nil
}

// getMood serves the mood of one date: a single object, not paged
// (§5). A date without a mood answers an empty object.
func (s *Server) getMood(ar *apiRequest) (any, *apiError) {
	n, ae := s.dateParam(ar.r)
	if ae != nil {
		return nil, ae
	}
	if n < s.data.first || n > s.data.end {
		return obj{}, nil
	}
	c := s.data.day(ar.user, n)
	m, ok := s.data.mood(&c)
	if !ok {
		return obj{}, nil
	}
	return m, nil
}

func (s *Server) getGoals(ar *apiRequest) (any, *apiError) {
	u := s.data.user(ar.user)
	return obj{
		"move_steps": 10000, "sleep_total": 28800, "body_weight": round(u.weight-2, 1), "body_weight_intent": 0,
		"eat_sat_fat": 20, "eat_sodium": 2300, "eat_carbs": 300, "eat_cholesterol": 300, "eat_fiber": 25,
		"eat_protein": 50, "eat_calcium": 1000, "eat_sugar": 50, "eat_unsat_fat": 45,
	}, nil
}

func (s *Server) getSettings(ar *apiRequest) (any, *apiError) {
	return obj{"share_body": false, "share_eat": true, "share_mood": true, "share_move": true, "share_sleep": ar.user%2 == 0}, nil
}

// getTimezone serves the zone history (§6.13, shape unconfirmed:
// an array of {tz, time, date}, since CURIOUS reads data[0].tz). With
// timestamp: the zone then; with date: that day's tzs; with start_time/
// end_time: each change in the window; with nothing: the zone now.
func (s *Server) getTimezone(ar *apiRequest) (any, *apiError) {
	v := ar.r.URL.Query()
	d := s.data
	entry := func(t int64, z zone) obj {
		return obj{"tz": z.detailsTZ(), "time": t, "date": dateOfInstant(t, z)}
	}
	intParam := func(name string) (int64, bool, *apiError) {
		if !v.Has(name) {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(v.Get(name), 10, 64)
		if err != nil || n < 0 {
			return 0, false, badParam(name + " must be a non-negative integer")
		}
		return n, true, nil
	}
	ts, hasTS, ae := intParam("timestamp")
	if ae != nil {
		return nil, ae
	}
	start, hasStart, ae := intParam("start_time")
	if ae != nil {
		return nil, ae
	}
	end, hasEnd, ae := intParam("end_time")
	if ae != nil {
		return nil, ae
	}
	src := d.daySource("moves", ar.user)
	switch {
	case hasTS:
		c := d.day(ar.user, src.locate(ts))
		return []any{entry(ts, c.zoneAt(ts))}, nil
	case hasStart || hasEnd:
		if !hasEnd {
			end = d.day(ar.user, d.end).end
		}
		var out []any
		last := ""
		for k := src.locate(start); k <= min(src.locate(end), d.end); k++ {
			c := d.day(ar.user, k)
			for _, ch := range c.tzs {
				if ch.at >= start && ch.at <= end && ch.z.name != last {
					out = append(out, entry(ch.at, ch.z))
				}
				last = ch.z.name
			}
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	default:
		n, ae := s.dateParam(ar.r)
		if ae != nil {
			return nil, ae
		}
		c := d.day(ar.user, n)
		if !v.Has("date") {
			t := c.end - 1
			return []any{entry(t, c.zoneAt(t))}, nil
		}
		out := make([]any, 0, len(c.tzs))
		for _, ch := range c.tzs {
			out = append(out, entry(ch.at, ch.z))
		}
		return out, nil
	}
}
