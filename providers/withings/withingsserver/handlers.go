package withingsserver

import (
	"math"
	"sort"
	"time"
)

// action is one service: the scope it needs and what it answers.
type action struct {
	scope string
	serve func(s *Server, u *userData, p params) (any, *apiError)
}

// routes maps path and action to the service. The scope each call needs is
// the client libraries' convention (docs/providers/withings.md).
var routes = map[string]map[string]action{
	MeasurePath: {"getmeas": {ScopeMetrics, (*Server).getmeas}},
	MeasureV2Path: {
		"getactivity":         {ScopeActivity, (*Server).getactivity},
		"getintradayactivity": {ScopeActivity, (*Server).getintradayactivity},
		"getworkouts":         {ScopeActivity, (*Server).getworkouts},
	},
	SleepPath: {
		"get":        {ScopeActivity, (*Server).sleepget},
		"getsummary": {ScopeActivity, (*Server).getsummary},
	},
	UserPath:  {"getdevice": {ScopeInfo, (*Server).getdevice}},
	HeartPath: {"list": {ScopeMetrics, (*Server).heartlist}},
}

// lastOffset is what offset holds on the last page (more false). The
// recordings differ: activity answers offset 200 with more false, workouts
// offset 0. The emulator keeps both behaviours, so a client that stops on
// offset instead of more fails against it.
type lastOffset int

const (
	lastOffsetNext     lastOffset = iota // offset + len(page), as for a next page
	lastOffsetPageSize                   // offset + page size, as the activity recording
	lastOffsetZero                       // 0, as the workouts recording
)

// page cuts items [offset, offset+size) and says whether more follow and
// what offset to answer.
func page[T any](items []T, offset, size int, last lastOffset) (out []T, more bool, next int) {
	if offset > len(items) {
		offset = len(items)
	}
	end := min(offset+size, len(items))
	out = items[offset:end]
	if end < len(items) {
		return out, true, end
	}
	switch last {
	case lastOffsetPageSize:
		return out, false, offset + size
	case lastOffsetZero:
		return out, false, 0
	}
	return out, false, end
}

// getmeas serves measure?action=getmeas. more is an integer here, as the
// reference documents it for this call only.
func (s *Server) getmeas(u *userData, p params) (any, *apiError) {
	now, live := s.asOf()
	var sel []*measureGroup
	for _, g := range u.groups {
		if live {
			if g = g.asOf(now); g == nil {
				continue
			}
		}
		switch {
		case p.HasLastUpdate && g.Modified <= p.LastUpdate:
			continue
		case p.HasStart && g.Date < p.Start, p.HasEnd && g.Date > p.End:
			continue
		case p.Category != 0 && g.Category != p.Category:
			continue
		}
		if p.MeasTypes != nil {
			g = g.only(p.MeasTypes)
			if g == nil {
				continue
			}
		}
		sel = append(sel, g)
	}
	if live {
		sortGroups(sel) // groups served as before their edit move back in the order
	}
	grps, more, next := page(sel, p.Offset, s.cfg.PageSize, lastOffsetNext)
	if grps == nil {
		grps = []*measureGroup{}
	}
	moreInt := 0
	if more {
		moreInt = 1
	}
	return map[string]any{
		"updatetime": min(now, u.endInstant), "timezone": u.home.name, "measuregrps": grps,
		"more": moreInt, "offset": next,
	}, nil
}

// only is a copy of g with the measures of the given types, or nil.
func (g *measureGroup) only(types []int) *measureGroup {
	c := *g
	c.Measures = nil
	for _, m := range g.Measures {
		for _, t := range types {
			if m.Type == t {
				c.Measures = append(c.Measures, m)
				break
			}
		}
	}
	if c.Measures == nil {
		return nil
	}
	return &c
}

// inYMD reports whether a civil day is within the request's ymd range.
func (p params) inYMD(day time.Time) bool {
	return !p.HasYMD || !day.Before(p.StartYMD) && !day.After(p.EndYMD)
}

func (p params) updated(modified int64) bool { return !p.HasLastUpdate || modified > p.LastUpdate }

// needRange refuses a ranged call given neither dates nor lastupdate, as
// the reference makes one of them required.
func (p params) needRange() *apiError {
	if !p.HasYMD && !p.HasLastUpdate {
		return invalid("startdateymd and enddateymd, or lastupdate, are required")
	}
	return nil
}

func (s *Server) getactivity(u *userData, p params) (any, *apiError) {
	if err := p.needRange(); err != nil {
		return nil, err
	}
	var sel []*activityDay
	for _, a := range u.days {
		if p.inYMD(a.day) && p.updated(a.modified) && s.stored(a.modified) {
			sel = append(sel, a)
		}
	}
	days, more, next := page(sel, p.Offset, s.cfg.PageSize, lastOffsetPageSize)
	out := make([]map[string]any, len(days))
	for i, a := range days {
		out[i] = a.fields(p)
	}
	return map[string]any{"activities": out, "more": more, "offset": next}, nil
}

func (s *Server) getworkouts(u *userData, p params) (any, *apiError) {
	if err := p.needRange(); err != nil {
		return nil, err
	}
	var sel []*workout
	for _, w := range u.workouts {
		day, _ := time.Parse(time.DateOnly, w.date)
		if p.inYMD(day) && p.updated(w.modified) && s.stored(w.modified) {
			sel = append(sel, w)
		}
	}
	ws, more, next := page(sel, p.Offset, s.cfg.PageSize, lastOffsetZero)
	out := make([]map[string]any, len(ws))
	for i, w := range ws {
		out[i] = w.fields(p)
	}
	return map[string]any{"series": out, "more": more, "offset": next}, nil
}

// getsummary serves the nights newest first, as the recording has them.
func (s *Server) getsummary(u *userData, p params) (any, *apiError) {
	if err := p.needRange(); err != nil {
		return nil, err
	}
	now, live := s.asOf()
	var sel []*night
	for i := len(u.nights) - 1; i >= 0; i-- {
		n := u.nights[i]
		if live {
			if n = n.asOf(now); n == nil {
				continue
			}
		}
		day, _ := time.Parse(time.DateOnly, n.date)
		if p.inYMD(day) && p.updated(n.modified) {
			sel = append(sel, n)
		}
	}
	ns, more, next := page(sel, p.Offset, s.cfg.PageSize, lastOffsetPageSize)
	out := make([]map[string]any, len(ns))
	for i, n := range ns {
		out[i] = n.summary(p)
	}
	return map[string]any{"series": out, "more": more, "offset": next}, nil
}

// window applies the series calls' bound to [start, end]: a missing end is
// start + Window, a missing start is end - Window, neither is the last
// Window of data. A longer window is cut (or refused, by policy).
func (s *Server) window(u *userData, p params, required bool) (start, end int64, err *apiError) {
	w := int64(s.cfg.Window / time.Second)
	switch {
	case required && (!p.HasStart || !p.HasEnd):
		return 0, 0, invalid("startdate and enddate are required")
	case p.HasStart && p.HasEnd:
		start, end = p.Start, p.End
	case p.HasStart:
		start, end = p.Start, p.Start+w
	case p.HasEnd:
		start, end = p.End-w, p.End
	default:
		start, end = u.endInstant-w, u.endInstant
	}
	if end-start > w {
		if s.cfg.WindowPolicy == WindowReject {
			return 0, 0, invalid("startdate and enddate are more than %s apart", s.cfg.Window)
		}
		end = start + w
	}
	return start, end, nil
}

func (s *Server) getintradayactivity(u *userData, p params) (any, *apiError) {
	start, end, err := s.window(u, p, false)
	if err != nil {
		return nil, err
	}
	if now, live := s.asOf(); live {
		end = min(end, now)
	}
	return map[string]any{"series": u.intraday(start, end, p)}, nil
}

// sleepget serves the segments that start within the window.
func (s *Server) sleepget(u *userData, p params) (any, *apiError) {
	start, end, err := s.window(u, p, true)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	model := modelMonitor
	i := sort.Search(len(u.nights), func(i int) bool { return u.nights[i].end > start })
	for ; i < len(u.nights) && u.nights[i].start <= end; i++ {
		n := u.nights[i]
		if !s.stored(n.created) {
			continue
		}
		for _, seg := range n.segs {
			if seg.start >= start && seg.start <= end {
				if len(out) == 0 {
					model = n.model
				}
				out = append(out, u.series(n, seg, p))
			}
		}
	}
	return map[string]any{"series": out, "model": model}, nil
}

func (s *Server) getdevice(u *userData, _ params) (any, *apiError) {
	return map[string]any{"devices": u.devList}, nil
}

func (s *Server) heartlist(u *userData, p params) (any, *apiError) {
	var sel []*ecgRecord
	for _, e := range u.ecgs {
		if (!p.HasStart || e.Timestamp >= p.Start) && (!p.HasEnd || e.Timestamp <= p.End) && s.stored(e.Modified) {
			sel = append(sel, e)
		}
	}
	es, more, next := page(sel, p.Offset, s.cfg.PageSize, lastOffsetPageSize)
	if es == nil {
		es = []*ecgRecord{}
	}
	return map[string]any{"series": es, "more": more, "offset": next}, nil
}

// asOf is the instant the data is served as of: Now when Live, else the
// end of the data.
func (s *Server) asOf() (now int64, live bool) {
	if !s.cfg.Live {
		return math.MaxInt64, false
	}
	return s.cfg.Now().Unix(), true
}

// stored reports whether an item stored at t exists at the served instant.
func (s *Server) stored(t int64) bool {
	now, _ := s.asOf()
	return t <= now
}

// asOf is the group as it stood at now: nil before it was stored, and
// with modified back at created before its later edit.
func (g *measureGroup) asOf(now int64) *measureGroup {
	switch {
	case g.Created > now:
		return nil
	case g.Modified > now:
		c := *g
		c.Modified = c.Created
		return &c
	}
	return g
}

// asOf is the night as it stood at now (see measureGroup.asOf).
func (n *night) asOf(now int64) *night {
	switch {
	case n.created > now:
		return nil
	case n.modified > now:
		c := *n
		c.modified = c.created
		return &c
	}
	return n
}
