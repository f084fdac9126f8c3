package upserver

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
)

// dataset generates every user's data on demand. It holds no per-day
// state: each (user, day, endpoint) has its own random stream, so any day
// can be produced alone and in any order, and the same day always comes
// out the same. The only mutable state is what Touch recorded.
type dataset struct {
	seed  int64
	users int
	first int64 // day number of the first day of history
	end   int64 // day number of Config.End
	xids  xidCodec

	mu      sync.Mutex
	touched map[touchKey]*touchState
}

func newDataset(cfg Config) (*dataset, error) {
	end := defaultEnd
	if !cfg.End.IsZero() {
		end = civilOf(cfg.End)
	}
	e := end.dayNumber()
	if e-int64(cfg.Days)+1 < 0 {
		return nil, fmt.Errorf("history of %d days before %v starts before 1970", cfg.Days, cfg.End)
	}
	return &dataset{
		seed:    cfg.Seed,
		users:   cfg.Users,
		first:   e - int64(cfg.Days) + 1,
		end:     e,
		xids:    newXIDCodec(cfg.Seed),
		touched: make(map[touchKey]*touchState),
	}, nil
}

// rng returns the random stream for (user, day or week, stream name).
func (d *dataset) rng(user int, n int64, stream string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(stream))
	lo := splitmix(uint64(n)*0x9E3779B97F4A7C15 ^ uint64(user)<<48 ^ h.Sum64())
	return rand.New(rand.NewPCG(splitmix(uint64(d.seed)), lo))
}

// splitmix is the SplitMix64 finalizer: a cheap, well-mixed hash.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

// userInfo is the profile of one user.
type userInfo struct {
	index  int
	xid    string
	first  string
	last   string
	gender int     // 0 male, 1 female
	height float64 // m
	weight float64 // kg
	home   zone
	born   int // year
}

var (
	firstNames = []string{"James", "Zoë", "José", "Mei", "Ólafur", "Amélie", "Søren", "Hana"}
	lastNames  = []string{"Franklin", "Müller", "García", "李", "O'Brien", "Nakamura", "Dupont-Lévy", "Nguyễn"}
)

func (d *dataset) user(i int) userInfo {
	r := d.rng(i, 0, "user")
	gender := i % 2
	height := 1.60 + r.Float64()*0.30
	return userInfo{
		index:  i,
		xid:    d.xids.encode(xidParts{kind: kindUser, user: i}),
		first:  firstNames[i%len(firstNames)],
		last:   lastNames[(i/len(firstNames)+i)%len(lastNames)],
		gender: gender,
		height: round(height, 4),
		weight: round(22*height*height+r.Float64()*8, 1),
		home:   homeZone(i),
		born:   1960 + r.IntN(35),
	}
}

// userByHint resolves a login_hint: a 0-based user index or a user xid.
func (d *dataset) userByHint(hint string) (int, bool) {
	if i, err := strconv.Atoi(hint); err == nil && i >= 0 && i < d.users && strconv.Itoa(i) == hint {
		return i, true
	}
	if p, ok := d.xids.decode(hint); ok && p.kind == kindUser && p.user >= 0 && p.user < d.users {
		return p.user, true
	}
	return 0, false
}

// UserXID is the xid of user (0-based), as meta.user_xid and next links
// carry it; "" if there is no such user.
func (s *Server) UserXID(user int) string {
	if user < 0 || user >= s.cfg.Users {
		return ""
	}
	return s.data.user(user).xid
}

// dayCtx is where and when day n of a user happens.
type dayCtx struct {
	user   int
	n      int64
	date   int   // YYYYMMDD
	start  int64 // local midnight in the zone in force at the start
	end    int64 // next local midnight in the zone in force at the end
	tzs    []tzChange
	travel bool
}

// trip is a journey away from home: it leaves on day from and comes back
// on day to (to > from), by flights at whole local hours.
type trip struct {
	from, to   int64
	dest       zone
	leaveHour  int // home local
	returnHour int // destination local
}

// tripOf returns the trip that starts in week w, if any: every third week
// (shifted per user), cycling through the four zone forms of tripZones.
func (d *dataset) tripOf(u int, w int64) (trip, bool) {
	if mod(w+int64(u), 3) != 1 {
		return trip{}, false
	}
	r := d.rng(u, w, "trip")
	from := w*7 + int64(r.IntN(5))
	t := trip{
		from:       from,
		to:         from + 1 + int64(r.IntN(3)),
		dest:       tripZones[mod(floorDiv(w+int64(u), 3), int64(len(tripZones)))],
		leaveHour:  8 + r.IntN(3),
		returnHour: 9 + r.IntN(3),
	}
	home := homeZone(u)
	if t.dest.name == home.name {
		t.dest = altTripZones[mod(w, int64(len(altTripZones)))]
	}
	return t, true
}

// day computes the context of day n for user u.
func (d *dataset) day(u int, n int64) dayCtx {
	home := homeZone(u)
	c := dayCtx{user: u, n: n, date: dateInt(n)}
	var tr trip
	found := false
	for _, w := range []int64{weekOf(n), weekOf(n) - 1} {
		if t, ok := d.tripOf(u, w); ok && t.from <= n && n <= t.to {
			tr, found = t, true
			break
		}
	}
	switch {
	case !found:
		c.start, c.end = midnight(n, home.loc), midnight(n+1, home.loc)
		c.tzs = []tzChange{{c.start, home}}
	case n == tr.from:
		c.start, c.end = midnight(n, home.loc), midnight(n+1, tr.dest.loc)
		c.tzs = []tzChange{{c.start, home}, {c.start + int64(tr.leaveHour)*3600, tr.dest}}
		c.travel = true
	case n == tr.to:
		c.start, c.end = midnight(n, tr.dest.loc), midnight(n+1, home.loc)
		c.tzs = []tzChange{{c.start, tr.dest}, {c.start + int64(tr.returnHour)*3600, home}}
		c.travel = true
	default:
		c.start, c.end = midnight(n, tr.dest.loc), midnight(n+1, tr.dest.loc)
		c.tzs = []tzChange{{c.start, tr.dest}}
	}
	return c
}

// zoneAt is the zone in force at t (the latest tzs entry at or before t).
func (c *dayCtx) zoneAt(t int64) zone {
	z := c.tzs[0].z
	for _, ch := range c.tzs {
		if ch.at <= t {
			z = ch.z
		}
	}
	return z
}

func (c *dayCtx) startZone() zone { return c.tzs[0].z }

// minutes is the length of the day in minutes (1440, or 1380/1500 on DST
// days, shorter or longer on travel days).
func (c *dayCtx) minutes() int { return int((c.end - c.start) / 60) }

// visibleDays is the range of day numbers that exist for (user, endpoint):
// the history plus whatever Touch appended.
func (d *dataset) visibleDays(u int, endpoint string) (first, last int64) {
	last = d.end
	d.mu.Lock()
	if ts, ok := d.touched[touchKey{u, endpoint}]; ok && len(ts.added) > 0 {
		last = ts.added[len(ts.added)-1].day
	}
	d.mu.Unlock()
	return d.first, last
}

func round(f float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	v := f * p
	if v < 0 {
		return float64(int64(v-0.5)) / p
	}
	return float64(int64(v+0.5)) / p
}

// sortedKeys is used where map order would leak into output.
func sortedKeys[M ~map[K]V, K int | int64 | string, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
