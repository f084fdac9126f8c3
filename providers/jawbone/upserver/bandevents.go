package upserver

import "strconv"

// bandEvents are the band's mode changes of day n: entering and leaving
// sleep mode around each sleep ending that day, and the stopwatch around
// workouts on even days. They have no xid (§6.11); their key is
// "time_created/action". Their date is the local date of the event, so
// the night's enter_sleep_mode may carry the day before.
func (d *dataset) bandEvents(c *dayCtx, a *activity) []item {
	type ev struct {
		t      int64
		action string
	}
	var evs []ev
	plans := d.sleepPlans(c)
	for _, p := range plans {
		evs = append(evs, ev{p.start, "enter_sleep_mode"}, ev{p.end, "exit_sleep_mode"})
	}
	if mod(c.n, 2) == 0 {
		for _, b := range a.workouts {
			t := c.start + int64(b.start)*60
			evs = append(evs, ev{t, "enter_stopwatch_mode"}, ev{t + int64(b.length)*60, "exit_stopwatch_mode"})
		}
	}
	out := make([]item, 0, len(evs))
	for _, e := range evs {
		z := c.zoneAt(e.t)
		date := dateOfInstant(e.t, z)
		key := strconv.FormatInt(e.t, 10) + "/" + e.action
		out = append(out, item{created: e.t, completed: e.t, updated: e.t, date: date, key: key, obj: obj{
			"date": date, "action": e.action, "tz": z.detailsTZ(), "time_created": e.t,
		}})
	}
	return out
}

// dateOfInstant is the local date YYYYMMDD of t in z.
func dateOfInstant(t int64, z zone) int {
	y, m, dd := timeIn(t, z).Date()
	return y*10000 + int(m)*100 + dd
}
