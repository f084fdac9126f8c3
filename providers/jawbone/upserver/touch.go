package upserver

import (
	"fmt"
)

// Touch simulates activity for incremental-sync tests, as of the server
// clock: newItems items appear after the last visible day, and edited
// existing items get a new time_updated (the clock, or one second after
// their previous one if that is later) and a changed value. Both are
// deterministic for a given sequence of Touch calls and clock readings.
// Only the touched items are remembered, never whole days.
//
// Supported endpoints: the list endpoints; bandevents only take newItems.
func (s *Server) Touch(user int, endpoint string, newItems, edited int) error {
	if user < 0 || user >= s.cfg.Users {
		return fmt.Errorf("upserver: Touch: no user %d", user)
	}
	if _, ok := listEndpoints[endpoint]; !ok {
		return fmt.Errorf("upserver: Touch: %q is not a list endpoint", endpoint)
	}
	if newItems < 0 || edited < 0 {
		return fmt.Errorf("upserver: Touch: negative counts")
	}
	if endpoint == "bandevents" && edited > 0 {
		return fmt.Errorf("upserver: Touch: band events cannot be edited (they have no xid)")
	}
	return s.data.touch(user, endpoint, newItems, edited, s.now().Unix())
}

type touchKey struct {
	user     int
	endpoint string
}

// touchState is what Touch changed for one (user, endpoint).
type touchState struct {
	added []addedDay       // days after End made visible, in order
	edits map[itemRef]edit // edited items
	calls int64            // number of Touch calls, to vary the choice of edited items
}

// addedDay makes the first count items of a day after End visible, with
// time_updated no earlier than at.
type addedDay struct {
	day   int64
	count int
	at    int64
}

type itemRef struct {
	day int64
	idx int
}

type edit struct {
	version int
	at      int64 // the new time_updated
}

// maxTouchScan bounds the days Touch looks through for new items.
const maxTouchScan = 3660

func (d *dataset) touch(u int, ep string, newItems, edited int, now int64) error {
	d.mu.Lock()
	ts := d.touched[touchKey{u, ep}]
	if ts == nil {
		ts = &touchState{edits: make(map[itemRef]edit)}
		d.touched[touchKey{u, ep}] = ts
	}
	ts.calls++
	call := ts.calls
	prev := append([]addedDay(nil), ts.added...)
	d.mu.Unlock()
	added := append([]addedDay(nil), prev...)

	// New items: continue the last partially shown day, then later days.
	next, shown := d.end+1, 0
	if len(added) > 0 {
		last := added[len(added)-1]
		next, shown = last.day, last.count
	}
	for scanned := 0; newItems > 0; scanned++ {
		if scanned > maxTouchScan {
			return fmt.Errorf("upserver: Touch: no %s found in %d days after the end", ep, maxTouchScan)
		}
		avail := len(d.naturalItems(ep, u, next)) - shown
		if avail <= 0 {
			next, shown = next+1, 0
			continue
		}
		take := min(avail, newItems)
		newItems -= take
		if len(added) > 0 && added[len(added)-1].day == next {
			added[len(added)-1].count += take
			added[len(added)-1].at = now
		} else {
			added = append(added, addedDay{day: next, count: shown + take, at: now})
		}
		shown += take
	}

	// Edits: items that existed before this call, chosen at random,
	// without repeats.
	first, last := d.first, d.end
	if len(prev) > 0 {
		last = prev[len(prev)-1].day
	}
	picked := map[itemRef]bool{}
	r := d.rng(u, call, "touch/"+ep)
	for tries := 0; edited > 0 && tries < 100*edited+1000; tries++ {
		n := first + r.Int64N(last-first+1)
		items := d.applyAdded(n, d.naturalItems(ep, u, n), prev)
		if len(items) == 0 {
			continue
		}
		it := items[r.IntN(len(items))]
		ref := itemRef{n, it.idx}
		if picked[ref] {
			continue
		}
		picked[ref] = true
		edited--
	}
	if edited > 0 {
		return fmt.Errorf("upserver: Touch: not enough %s to edit", ep)
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	ts.added = added
	for ref := range picked {
		e := ts.edits[ref]
		e.version++
		e.at = max(now, e.at+1)
		// Never earlier than the item's own time_updated.
		for _, it := range d.naturalItems(ep, u, ref.day) {
			if it.idx == ref.idx {
				e.at = max(e.at, it.updated+1)
			}
		}
		ts.edits[ref] = e
	}
	return nil
}

// applyAdded hides the items of days after End that Touch has not added,
// and dates the added ones.
func (d *dataset) applyAdded(n int64, items []item, added []addedDay) []item {
	if n <= d.end {
		return items
	}
	for _, a := range added {
		if a.day == n {
			items = items[:min(a.count, len(items))]
			for i := range items {
				items[i].updated = max(items[i].updated, a.at)
				setUpdated(items[i].obj, items[i].updated)
			}
			return items
		}
	}
	return nil
}

// applyTouch applies what Touch recorded to day n's items.
func (d *dataset) applyTouch(ep string, u int, n int64, items []item) []item {
	d.mu.Lock()
	ts := d.touched[touchKey{u, ep}]
	var added []addedDay
	var edits map[itemRef]edit
	if ts != nil {
		added = ts.added
		edits = make(map[itemRef]edit)
		for _, it := range items {
			if e, ok := ts.edits[itemRef{n, it.idx}]; ok {
				edits[itemRef{n, it.idx}] = e
			}
		}
	}
	d.mu.Unlock()
	items = d.applyAdded(n, items, added)
	for i := range items {
		if e, ok := edits[itemRef{n, items[i].idx}]; ok {
			items[i].updated = max(items[i].updated, e.at)
			setUpdated(items[i].obj, items[i].updated)
			editValue(ep, items[i].obj, e.version)
		}
	}
	return items
}

func setUpdated(o obj, t int64) {
	if _, ok := o["time_updated"]; ok {
		o["time_updated"] = t
	}
}

// editValue changes one value of an edited item, visibly but without
// breaking the sums the data guarantees (steps, ticks).
func editValue(ep string, o obj, version int) {
	det, _ := o["details"].(obj)
	switch ep {
	case "moves":
		if v, ok := det["bmr"].(float64); ok {
			det["bmr"] = round(v+float64(version), 4)
		}
	case "sleeps":
		if v, ok := det["quality"].(int); ok {
			det["quality"] = (v + version) % 101
		}
	case "heartrates":
		if v, ok := o["resting_heartrate"].(int); ok {
			o["resting_heartrate"] = v + version
		} else {
			o["resting_heartrate"] = 60 + version
		}
	default:
		t, _ := o["title"].(string)
		o["title"] = t + fmt.Sprintf(" (edited %d)", version)
	}
}
