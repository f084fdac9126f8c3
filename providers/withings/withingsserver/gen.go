package withingsserver

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"
	_ "time/tzdata" // the same zone rules on every machine, so answers are byte-identical
)

// dataset is every demo user's data, generated once by New.
type dataset struct {
	users []*userData
}

func newDataset(cfg Config) *dataset {
	d := &dataset{}
	for i := range cfg.Users {
		d.users = append(d.users, newUser(cfg, i))
	}
	return d
}

// userIndex maps a demo user id back to its index, or -1.
func userIndex(id string, users int) int {
	n, err := strconv.Atoi(id)
	if err != nil || n < firstUserID || n >= firstUserID+users {
		return -1
	}
	return n - firstUserID
}

func (d *dataset) user(id string) *userData {
	i := userIndex(id, len(d.users))
	if i < 0 {
		return nil
	}
	return d.users[i]
}

// zone is an IANA zone with its name.
type zone struct {
	name string
	loc  *time.Location
}

func mustZone(name string) zone {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("withingsserver: zone %s: %v", name, err)) // time/tzdata has every name used here
	}
	return zone{name, loc}
}

// homeZones are the demo users' home zones, in turn.
var homeZones = []string{"Europe/Paris", "Europe/Amsterdam", "America/Chicago", "Australia/Sydney", "Europe/London"}

// tripPlans are the yearly trips, in turn: each crosses zones, and the first
// two span a DST change at home or away while the user is away.
var tripPlans = []struct {
	zone       string
	month      time.Month
	day, nDays int
}{
	{"America/New_York", time.March, 4, 14}, // US DST starts on the second Sunday of March
	{"Asia/Tokyo", time.October, 20, 14},    // EU DST ends on the last Sunday of October
	{"America/Los_Angeles", time.June, 1, 10},
}

// trip is a stay away from home: days in [from, to) are in zone.
type trip struct {
	from, to time.Time
	zone     zone
}

// userData is one demo user's history.
type userData struct {
	id   string
	idx  int
	seed uint64
	home zone

	start, end time.Time // first and last civil day (UTC midnight)
	endInstant int64     // the last second of data
	trips      []trip
	watchFrom  time.Time // civil day the watch is first worn

	devices map[string]*device // by role
	devList []*device

	groups   []*measureGroup // by modified, grpid, attrib
	days     []*activityDay  // by date
	workouts []*workout      // by startdate
	nights   []*night        // by startdate
	ecgs     []*ecgRecord    // by timestamp
}

// Device roles.
const (
	roleCardio = "cardio" // Body Cardio scale, the first years
	roleScan   = "scan"   // Body Scan scale, after it
	roleBPM    = "bpm"    // BPM Connect
	roleMat    = "mat"    // Sleep Analyzer (Aura Sensor V2), at home
	roleWatch  = "watch"  // Move ECG, from watchFrom on
)

func newUser(cfg Config, i int) *userData {
	u := &userData{
		id:   UserID(i),
		idx:  i,
		seed: uint64(cfg.Seed)*0x9E3779B97F4A7C15 + uint64(i)*0xBF58476D1CE4E5B9,
		home: mustZone(homeZones[i%len(homeZones)]),
		end:  cfg.End,
	}
	u.start = cfg.End.AddDate(-cfg.Years, 0, 1)
	if cfg.Days > 0 {
		u.start = cfg.End.AddDate(0, 0, 1-cfg.Days)
	}
	u.endInstant = time.Date(u.end.Year(), u.end.Month(), u.end.Day(), 23, 59, 59, 0, u.home.loc).Unix()
	nDays := u.dayCount()
	u.watchFrom = u.start.AddDate(0, 0, nDays/4)
	for k := range u.end.Year() - u.start.Year() + 1 {
		plan := tripPlans[(k+i)%len(tripPlans)]
		from := time.Date(u.start.Year()+k, plan.month, plan.day, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, plan.nDays)
		if from.Before(u.start.AddDate(0, 0, 7)) || to.After(u.end.AddDate(0, 0, -7)) {
			continue
		}
		u.trips = append(u.trips, trip{from, to, mustZone(plan.zone)})
	}
	u.genDevices()
	u.genMeasures()
	u.genActivity()
	u.genWorkouts()
	u.genSleep()
	return u
}

func (u *userData) dayCount() int { return int(u.end.Sub(u.start)/(24*time.Hour)) + 1 }

// eachDay calls f for every civil day of the history.
func (u *userData) eachDay(f func(day time.Time)) {
	for d := u.start; !d.After(u.end); d = d.AddDate(0, 0, 1) {
		f(d)
	}
}

// zoneOn is the zone the user lives in on a civil day.
func (u *userData) zoneOn(day time.Time) (zone, bool) {
	for _, t := range u.trips {
		if !day.Before(t.from) && day.Before(t.to) {
			return t.zone, true
		}
	}
	return u.home, false
}

// at is a local wall-clock time on a civil day, as unix seconds.
func at(day time.Time, z zone, sec int) int64 {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, sec, 0, z.loc).Unix()
}

func civil(t int64, z zone) time.Time {
	y, m, d := time.Unix(t, 0).In(z.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// rng is a random stream of this user; streams are independent.
func (u *userData) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(u.seed, stream))
}

// hash is a pure function of the user and its arguments, for data made on
// demand (intraday, sleep vitals).
func (u *userData) hash(parts ...int64) uint64 {
	h := u.seed
	for _, p := range parts {
		h = splitmix(h ^ uint64(p))
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// worn says whether the watch was worn on a civil day (from watchFrom on);
// on the other days the phone counts steps.
func (u *userData) worn(day time.Time) bool {
	return !day.Before(u.watchFrom) && unit(u.hash(11, day.Unix())) < 0.85
}

// device is one entry of getdevice.
type device struct {
	Type             string `json:"type"`
	Battery          string `json:"battery"`
	Model            string `json:"model"`
	ModelID          int    `json:"model_id"`
	Timezone         string `json:"timezone"`
	FirstSessionDate *int64 `json:"first_session_date"`
	LastSessionDate  *int64 `json:"last_session_date"`
	DeviceID         string `json:"deviceid"`
	HashDeviceID     string `json:"hash_deviceid"`
}

func (u *userData) genDevices() {
	u.devices = map[string]*device{}
	nDays := u.dayCount()
	cardioUntil := u.start.AddDate(0, 0, nDays*2/5)
	add := func(role, typ, model string, modelID int, from, until time.Time, battery string) {
		sum := sha1.Sum(fmt.Appendf(nil, "%d/%d/%s", u.seed, u.idx, role))
		id := hex.EncodeToString(sum[:])
		first := at(from, u.home, 9*3600)
		last := at(until, u.home, 7*3600+int(u.hash(12, int64(len(role)))%3600))
		d := &device{Type: typ, Battery: battery, Model: model, ModelID: modelID, Timezone: u.home.name,
			FirstSessionDate: &first, LastSessionDate: &last, DeviceID: id, HashDeviceID: id}
		u.devices[role] = d
		u.devList = append(u.devList, d)
	}
	add(roleCardio, "Scale", "Body Cardio", 6, u.start, cardioUntil, "low")
	add(roleScan, "Scale", "Body Scan", 10, cardioUntil.AddDate(0, 0, 3), u.end, "high")
	add(roleBPM, "Blood Pressure Monitor", "BPM Connect", 45, u.start, u.end, "medium")
	add(roleMat, "Sleep Monitor", "Aura Sensor V2", 63, u.start, u.end, "high")
	add(roleWatch, "Activity Tracker", "Move ECG", 91, u.watchFrom, u.end, "high")
	// A recorded device list has a null first session date.
	u.devices[roleMat].FirstSessionDate = nil
}

// on reports whether a device was in use on a civil day.
func (d *device) on(day time.Time, z zone) bool {
	t := at(day, z, 12*3600)
	return (d.FirstSessionDate == nil || t >= *d.FirstSessionDate-12*3600) && t <= *d.LastSessionDate+12*3600
}

func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}

func sortGroups(gs []*measureGroup) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Modified != b.Modified {
			return a.Modified < b.Modified
		}
		if a.GrpID != b.GrpID {
			return a.GrpID < b.GrpID
		}
		return a.Attrib < b.Attrib
	})
}
