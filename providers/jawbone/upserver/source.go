package upserver

import (
	"cmp"
	"fmt"
	"slices"
)

// listKinds maps each list endpoint to the xid kind of its items.
var listKinds = map[string]kind{
	"moves": kindMove, "sleeps": kindSleep, "workouts": kindWorkout, "heartrates": kindHeartrate,
	"body_events": kindBody, "cardiac_events": kindCardiac, "generic_events": kindGeneric,
	"meals": kindMeal,
}

// naturalItems generates the items of one list endpoint for day n of user
// u, as they were before any Touch, sorted by time_created.
func (d *dataset) naturalItems(ep string, u int, n int64) []item {
	c := d.day(u, n)
	var out []item
	switch ep {
	case "moves":
		out = d.moves(&c, d.activityOf(&c))
	case "sleeps":
		out = d.sleeps(&c)
	case "workouts":
		out = d.workouts(&c, d.activityOf(&c))
	case "heartrates":
		out = d.heartrates(&c)
	case "body_events":
		out = d.bodyEvents(&c)
	case "cardiac_events":
		out = d.cardiacEvents(&c)
	case "generic_events":
		out = d.genericEvents(&c)
	case "meals":
		out = d.meals(&c, false)
	case "bandevents":
		out = d.bandEvents(&c, d.activityOf(&c))
	}
	slices.SortFunc(out, func(a, b item) int { return cmp.Compare(a.created, b.created) })
	return out
}

// dayItems is naturalItems with Touch applied: days after End show only
// the items Touch added, and edited items carry their edit.
func (d *dataset) dayItems(ep string, u int, n int64) []item {
	if n < d.first {
		return nil
	}
	items := d.naturalItems(ep, u, n)
	return d.applyTouch(ep, u, n, items)
}

// findItem resolves an xid of endpoint ep for user u.
func (d *dataset) findItem(ep string, u int, xid string) (item, bool) {
	p, ok := d.xids.decode(xid)
	if !ok || p.kind != listKinds[ep] || p.user != u {
		return item{}, false
	}
	first, last := d.visibleDays(u, ep)
	if p.day < first || p.day > last {
		return item{}, false
	}
	for _, it := range d.dayItems(ep, u, p.day) {
		if it.key == xid {
			return it, true
		}
	}
	return item{}, false
}

// GroundTruth lists every item the server holds for user (0-based) and a
// list endpoint ("moves", "sleeps", "workouts", "heartrates", "body_events",
// "cardiac_events", "generic_events", "meals", "bandevents", "friends",
// "mood"), oldest first, as xids; band events, which have no xid, as
// "time_created/action".
func (s *Server) GroundTruth(user int, endpoint string) ([]string, error) {
	if user < 0 || user >= s.cfg.Users {
		return nil, fmt.Errorf("upserver: GroundTruth: no user %d", user)
	}
	d := s.data
	switch endpoint {
	case "friends":
		return d.friends(user), nil
	case "mood":
		var out []string
		for n := d.first; n <= d.end; n++ {
			c := d.day(user, n)
			if m, ok := d.mood(&c); ok {
				out = append(out, m["xid"].(string))
			}
		}
		return out, nil
	}
	if _, ok := listEndpoints[endpoint]; !ok {
		return nil, fmt.Errorf("upserver: GroundTruth: %q is not a list endpoint", endpoint)
	}
	first, last := d.visibleDays(user, endpoint)
	var out []string
	for n := first; n <= last; n++ {
		for _, it := range d.dayItems(endpoint, user, n) {
			out = append(out, it.key)
		}
	}
	return out, nil
}

// TickCount is the number of ticks of a move, sleep or workout.
func (s *Server) TickCount(user int, xid string) (int, error) {
	for _, ep := range []string{"moves", "sleeps", "workouts"} {
		if _, ok := s.data.findItem(ep, user, xid); ok {
			ticks, _ := s.data.ticks(ep, user, xid)
			return len(ticks), nil
		}
	}
	return 0, fmt.Errorf("upserver: TickCount: user %d has no move, sleep or workout %s", user, xid)
}

// ticks generates the ticks of an item, oldest first.
func (d *dataset) ticks(ep string, u int, xid string) ([]item, bool) {
	p, ok := d.xids.decode(xid)
	if !ok {
		return nil, false
	}
	if _, ok := d.findItem(ep, u, xid); !ok {
		return nil, false
	}
	c := d.day(u, p.day)
	switch ep {
	case "moves":
		a := d.activityOf(&c)
		return d.minuteTicks(&c, a, 0, len(a.steps)), true
	case "workouts":
		a := d.activityOf(&c)
		b := a.workouts[p.idx]
		return d.minuteTicks(&c, a, b.start, b.start+b.length), true
	case "sleeps":
		for _, sp := range d.sleepPlans(&c) {
			if sp.idx == p.idx {
				return sleepTicks(&c, sp), true
			}
		}
	}
	return nil, false
}
