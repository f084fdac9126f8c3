package upserver

// Heart rates, body, cardiac, custom (generic) events and mood: small
// items at fixed fractions of the local day, so they never collide.

// at is the instant a fraction f of the way through day c, plus jitter
// minutes.
func (c *dayCtx) at(f float64, jitter int) int64 {
	return c.start + (int64(float64(c.minutes())*f)+int64(jitter))*60
}

// typoTZ writes the docs-only "America/Los Angeles" for Los Angeles users
// on the days where the variant applies.
func typoTZ(z zone, apply bool) string {
	if apply && z.name == "America/Los_Angeles" {
		return laTypo
	}
	return z.detailsTZ()
}

// heartrates: one resting heart rate per morning (none on one day in 31);
// resting_heartrate missing on one day in 43 and 0 on another (BONEFIRE:
// "can be missing or falsy").
func (d *dataset) heartrates(c *dayCtx) []item {
	if mod(c.n, 31) == 20 {
		return nil
	}
	r := d.rng(c.user, c.n, "heartrate")
	created := c.at(0.29, r.IntN(20))
	updated := created + 60 + int64(r.IntN(600))
	xid := d.xids.encode(xidParts{kind: kindHeartrate, user: c.user, day: c.n})
	z := c.zoneAt(created)
	det := obj{"tz": typoTZ(z, mod(c.n, 17) == 3)}
	sr, ss := sunTimes(c)
	det["sunrise"], det["sunset"] = sr, ss
	o := obj{
		"xid":          xid,
		"title":        "Resting heart rate",
		"time_created": created,
		"time_updated": updated,
		"date":         c.date,
		"details":      det,
	}
	switch mod(c.n, 43) {
	case 8:
	case 21:
		o["resting_heartrate"] = 0
	default:
		o["resting_heartrate"] = 52 + r.IntN(21)
	}
	lat, lon := homeCoords(c.user)
	setPlace(o, placeForm(mod(c.n, 3)), lat, lon, 30, "Home")
	return []item{{created: created, completed: created, updated: updated, date: c.date, key: xid, obj: o}}
}

var bodyNotes = []any{nil, "After the holidays 🎄", "Morgens, nüchtern", "「体重」 check, \"before\" breakfast", "felt heavy,\nslept badly", ""}

// bodyEvents: a weigh-in on some mornings. details.tz cycles through the
// "GMT-0800" form, null and an Olson name; values are sometimes null.
func (d *dataset) bodyEvents(c *dayCtx) []item {
	if mod(c.n, 5) != 0 && mod(c.n, 7) != 3 {
		return nil
	}
	u := d.user(c.user)
	r := d.rng(c.user, c.n, "body")
	created := c.at(0.30, r.IntN(30))
	updated := created + int64(r.IntN(120))
	xid := d.xids.encode(xidParts{kind: kindBody, user: c.user, day: c.n})
	z := c.zoneAt(created)
	det := obj{}
	switch mod(c.n, 3) {
	case 0:
		det["tz"] = z.gmtAt(created)
	case 1:
		det["tz"] = nil
	default:
		det["tz"] = z.detailsTZ()
	}
	w := round(u.weight+2*r.Float64()-1, 1)
	o := obj{
		"xid":          xid,
		"title":        nil,
		"type":         "body",
		"time_created": created,
		"time_updated": updated,
		"date":         c.date,
		"weight":       w,
		"body_fat":     nil,
		"lean_mass":    nil,
		"bmi":          round(w/(u.height*u.height), 2),
		"waistline":    nil,
		"note":         bodyNotes[mod(c.n/5, int64(len(bodyNotes)))],
		"image":        "",
		"details":      det,
	}
	if mod(c.n, 2) == 0 {
		o["title"] = "Weigh-in"
		bf := round(18+6*r.Float64(), 1)
		o["body_fat"] = bf
		o["lean_mass"] = round(100-bf, 1)
	}
	if mod(c.n, 10) == 5 {
		o["weight"], o["bmi"] = nil, nil
	}
	if mod(c.n, 4) != 3 { // shared is sometimes absent
		o["shared"] = mod(c.n, 3) == 0
	}
	lat, lon := homeCoords(c.user)
	setPlace(o, placeForm(mod(c.n+1, 4)), lat, lon, 20, "Home")
	return []item{{created: created, completed: created, updated: updated, date: c.date, key: xid, obj: o}}
}

// cardiacEvents: a blood pressure reading every tenth day.
func (d *dataset) cardiacEvents(c *dayCtx) []item {
	if mod(c.n, 10) != 3 {
		return nil
	}
	r := d.rng(c.user, c.n, "cardiac")
	created := c.at(0.80, r.IntN(30))
	updated := created + 30
	xid := d.xids.encode(xidParts{kind: kindCardiac, user: c.user, day: c.n})
	o := obj{
		"xid":                xid,
		"title":              "Blood pressure",
		"type":               "cardiac",
		"time_created":       created,
		"time_updated":       updated,
		"date":               c.date,
		"heart_rate":         58 + r.IntN(30),
		"systolic_pressure":  105 + r.IntN(35),
		"diastolic_pressure": 65 + r.IntN(25),
		"details":            obj{"tz": c.zoneAt(created).detailsTZ()},
	}
	lat, lon := homeCoords(c.user)
	setPlace(o, placeForm(mod(c.n, 3)), lat, lon, 15, "Home")
	return []item{{created: created, completed: created, updated: updated, date: c.date, key: xid, obj: o}}
}

var genericEvents = []struct {
	title, verb, note string
	attrs             obj
}{
	{"Coffee ☕", "drank", "Double espresso, \"ristretto\"", obj{"cups": 2}},
	{"Meditation 🧘", "did", "10 min, calm,\nfocused", obj{"minutes": 10}},
	{"Migräne", "felt", "Kopfschmerzen – leicht", obj{"severity": "mild"}},
	{"頭痛", "felt", "午後から", obj{"severity": 2.5}},
	{"Took vitamins", "took", "", obj{}},
}

// genericEvents: a custom event every fourth day; details.tz is missing on
// one day in five (§7: "null, or a missing tz").
func (d *dataset) genericEvents(c *dayCtx) []item {
	if mod(c.n, 4) != 1 {
		return nil
	}
	r := d.rng(c.user, c.n, "generic")
	created := c.at(0.60, r.IntN(60))
	updated := created + int64(r.IntN(900))
	xid := d.xids.encode(xidParts{kind: kindGeneric, user: c.user, day: c.n})
	g := genericEvents[mod(c.n/4, int64(len(genericEvents)))]
	det := obj{"tz": c.zoneAt(created).detailsTZ()}
	if mod(c.n, 5) == 0 {
		delete(det, "tz")
	}
	o := obj{
		"xid":          xid,
		"title":        g.title,
		"verb":         g.verb,
		"attributes":   g.attrs,
		"note":         g.note,
		"image":        "",
		"time_created": created,
		"time_updated": updated,
		"date":         c.date,
		"shared":       false,
		"details":      det,
	}
	lat, lon := homeCoords(c.user)
	setPlace(o, placeForm(mod(c.n, 4)), lat, lon, 40, "Büro")
	return []item{{created: created, completed: created, updated: updated, date: c.date, key: xid, obj: o}}
}

// moods: Amazing, Pumped UP, Energized, Meh, Dragging, Exhausted, Totally
// Done, Good (sub_type 1..8, KIEFER).
var moodTitles = map[int]string{
	1: "Amazing 🤩", 2: "Pumped UP", 3: "Energized", 4: "Meh", 5: "Dragging",
	6: "Exhausted", 7: "Totally Done", 8: "Good",
}

// mood is the day's mood, on two days in three.
func (d *dataset) mood(c *dayCtx) (obj, bool) {
	if mod(c.n, 3) == 2 {
		return nil, false
	}
	r := d.rng(c.user, c.n, "mood")
	created := c.at(0.85, r.IntN(60))
	sub := 1 + r.IntN(8)
	return obj{
		"xid":          d.xids.encode(xidParts{kind: kindMood, user: c.user, day: c.n}),
		"title":        moodTitles[sub],
		"sub_type":     sub,
		"time_created": created,
		"date":         c.date,
		"details":      obj{"tz": c.zoneAt(created).detailsTZ()},
	}, true
}
