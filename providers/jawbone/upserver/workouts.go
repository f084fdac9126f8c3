package upserver

// Unicode titles some workouts carry: accents, emoji, CJK, quotes, commas
// and a newline, as people typed them.
var workoutTitles = []string{
	"Morgenlauf – Ünterföhring 🏃", "Run, then \"stretch\"", "晨跑", "Vélo au café ☕\nretour à pied",
}

// workouts generates the day's workouts, one per workout bout of the
// day's activity, so their steps and ticks match the move's.
func (d *dataset) workouts(c *dayCtx, a *activity) []item {
	u := d.user(c.user)
	r := d.rng(c.user, c.n, "workouts")
	out := make([]item, 0, len(a.workouts))
	for i, b := range a.workouts {
		xid := d.xids.encode(xidParts{kind: kindWorkout, user: c.user, day: c.n, idx: i})
		steps, metres, active := 0, 0, 0
		var kcal float64
		for m := b.start; m < b.start+b.length; m++ {
			s := int(a.steps[m])
			steps += s
			metres += a.metres(s)
			kcal += a.kcal(s)
			if s > 0 {
				active += 60
			}
		}
		created := c.start + int64(b.start)*60
		completed := created + int64(b.length)*60
		updated := completed + 120 + int64(r.IntN(3600))
		title := ""
		for _, k := range workoutKinds {
			if k.subType == b.subType {
				title = k.title
			}
		}
		if mod(c.n, 9) == 3 {
			title = workoutTitles[mod(c.n/9, int64(len(workoutTitles)))]
		}
		bmrPerS := (10*u.weight + 625*u.height) / 86400
		det := obj{
			"steps":          steps,
			"time":           b.length * 60,
			"bg_active_time": active,
			"meters":         d.number(c.n, metres),
			"km":             round(float64(metres)/1000, 3),
			"intensity":      1 + r.IntN(5),
			"calories":       round(kcal, 4),
			"bmr":            round(bmrPerS*float64(b.length*60), 4),
			"bg_calories":    round(kcal*0.1, 4),
			"bmr_calories":   round(bmrPerS*float64(b.length*60), 4),
			"goal":           0,
			"place_acc":      10 + r.IntN(50),
			"tz":             c.zoneAt(created).detailsTZ(),
		}
		if mod(c.n, 7) == 0 {
			det["intensity"] = nil
		}
		o := obj{
			"xid":            xid,
			"title":          title,
			"sub_type":       b.subType,
			"time_created":   created,
			"time_completed": completed,
			"time_updated":   updated,
			"date":           c.date,
			"route":          "",
			"image":          "",
			"snapshot_image": imagePath(updated, xid),
			"reaction":       nil,
			"details":        det,
		}
		if mod(c.n, 3) != 2 { // "type" is missing in many real workouts
			o["type"] = "workout"
		}
		if b.subType == 2 || b.subType == 24 {
			o["route"] = "/nudge/image/r/" + xid + ".png"
		}
		lat, lon := homeCoords(c.user)
		lat += float64(r.IntN(2000)-1000) / 1e5
		lon += float64(r.IntN(2000)-1000) / 1e5
		// Workouts carried place_* as strings or "" (SHIM workouts).
		form := placeString
		if mod(c.n, 5) == 1 {
			form = placeEmpty
		}
		setPlace(o, form, lat, lon, 10+r.IntN(50), "")
		out = append(out, item{created: created, completed: completed, updated: updated, date: c.date, key: xid, idx: i, obj: o})
	}
	return out
}
