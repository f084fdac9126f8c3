package upserver

import (
	"strconv"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
)

const (
	defaultBuckets = 100
	maxBuckets     = 1000
)

// getTrends serves /users/{uid}/trends (§6.12): v1.1 parameters
// end_date, bucket_size (d|w|m|y) and num_buckets; buckets oldest first,
// each labelled with its first date, values averaged over the days of the
// bucket that have data, null when none. Move, sleep and meal values are
// null without move_read, sleep_read and meal_read.
func (s *Server) getTrends(ar *apiRequest) (any, *apiError) {
	v := ar.r.URL.Query()
	d := s.data
	end := d.end
	if v.Has("end_date") {
		n, err := strconv.ParseInt(v.Get("end_date"), 10, 64)
		day, ok := parseDateInt(n)
		if err != nil || !ok {
			return nil, badParam("end_date must be YYYYMMDD")
		}
		end = day
	}
	size := "d"
	if v.Has("bucket_size") {
		size = v.Get("bucket_size")
		if size != "d" && size != "w" && size != "m" && size != "y" {
			return nil, badParam("bucket_size must be d, w, m or y")
		}
	}
	buckets := defaultBuckets
	if v.Has("num_buckets") {
		n, err := strconv.Atoi(v.Get("num_buckets"))
		if err != nil || n < 1 || n > maxBuckets {
			return nil, badParam("num_buckets must be an integer from 1 to " + strconv.Itoa(maxBuckets))
		}
		buckets = n
	}
	u := d.user(ar.user)
	var rows []any
	for i := buckets - 1; i >= 0; i-- {
		from, to := bucketRange(end, size, i)
		if to < d.first || from > d.end {
			continue
		}
		acc := trendAcc{}
		for n := max(from, d.first); n <= min(to, d.end); n++ {
			acc.add(d, ar.user, n)
		}
		rows = append(rows, []any{dateInt(from), acc.values(u, to, ar.scopes)})
	}
	if rows == nil {
		rows = []any{}
	}
	return obj{"earliest": dateInt(d.first), "data": rows}, nil
}

// bucketRange is the day range of the i-th bucket back from end.
func bucketRange(end int64, size string, i int) (int64, int64) {
	switch size {
	case "w":
		to := end - 7*int64(i)
		return to - 6, to
	case "m", "y":
		c := dayCivil(end)
		var first, next time.Time
		if size == "m" {
			first = time.Date(c.y, c.m-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
			next = first.AddDate(0, 1, 0)
		} else {
			first = time.Date(c.y-i, 1, 1, 0, 0, 0, 0, time.UTC)
			next = first.AddDate(1, 0, 0)
		}
		from, to := first.Unix()/86400, next.Unix()/86400-1
		return from, min(to, end)
	default:
		return end - int64(i), end - int64(i)
	}
}

// trendAcc sums daily values and counts the days that had them.
type trendAcc struct {
	sums   map[string]float64
	counts map[string]int
}

func (a *trendAcc) put(k string, v float64) {
	if a.sums == nil {
		a.sums, a.counts = map[string]float64{}, map[string]int{}
	}
	a.sums[k] += v
	a.counts[k]++
}

func num(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	case fnum:
		return float64(x)
	}
	return 0
}

func (a *trendAcc) add(d *dataset, u int, n int64) {
	c := d.day(u, n)
	act := d.activityOf(&c)
	for _, it := range d.moves(&c, act) {
		det := it.obj["details"].(obj)
		a.put("m_steps", num(det["steps"]))
		a.put("m_distance", num(det["distance"]))
		a.put("m_active_time", num(det["active_time"]))
		a.put("m_workout_time", num(det["wo_time"]))
		a.put("m_calories", num(det["calories"]))
		a.put("m_total_calories", num(det["calories"])+num(det["bmr_day"]))
		a.put("m_lcat", num(det["longest_active"]))
		a.put("m_lcit", num(det["longest_idle"]))
	}
	for _, it := range d.sleeps(&c) {
		det := it.obj["details"].(obj)
		p := "s_"
		if num(it.obj["sub_type"]) != 0 {
			p = "n_"
		}
		deep := det["sound"]
		if deep == nil {
			deep = det["deep"]
		}
		a.put(p+"duration", num(det["duration"]))
		a.put(p+"light", num(det["light"]))
		a.put(p+"sound", num(deep))
		a.put(p+"deep", num(deep))
		a.put(p+"awake", num(det["awake"]))
		a.put(p+"awakenings", num(det["awakenings"]))
		a.put(p+"quality", num(det["quality"]))
		a.put(p+"asleep_time", num(det["light"])+num(deep))
		a.put(p+"awake_time", num(det["awake"]))
		a.put(p+"bedtime", float64(timeIn(it.created, c.zoneAt(it.created)).Hour()*3600))
	}
	day := map[string]float64{}
	meals := d.meals(&c, false)
	for _, it := range meals {
		det := it.obj["details"].(obj)
		for k, src := range map[string]string{
			"e_calories": "calories", "e_protein": "protein", "e_carbs": "carbohydrate", "e_fiber": "fiber",
			"e_sugar": "sugar", "e_sat_fat": "saturated_fat", "e_unsat_fat": "unsaturated_fat",
			"e_cholesterol": "cholesterol", "e_sodium": "sodium", "e_calcium": "calcium",
		} {
			day[k] += num(det[src])
		}
	}
	if len(meals) > 0 {
		for k, v := range day {
			a.put(k, v)
		}
	}
	for _, it := range d.bodyEvents(&c) {
		if w, ok := it.obj["weight"].(float64); ok {
			a.put("weight", w)
		}
		if bf, ok := it.obj["body_fat"].(float64); ok {
			a.put("body_fat", bf)
		}
	}
}

var (
	trendMoveKeys  = []string{"m_steps", "m_distance", "m_active_time", "m_workout_time", "m_calories", "m_total_calories", "m_lcat", "m_lcit"}
	trendSleepSufs = []string{"duration", "light", "sound", "deep", "awake", "awakenings", "quality", "asleep_time", "awake_time", "bedtime"}
	trendEatKeys   = []string{"e_calories", "e_protein", "e_carbs", "e_fiber", "e_sugar", "e_sat_fat", "e_unsat_fat", "e_cholesterol", "e_sodium", "e_calcium"}
)

// values is the bucket's object: averages as floats (367.0), null where
// there was no data or the token lacks the scope.
func (a *trendAcc) values(u userInfo, to int64, scopes oauthserver.Scopes) obj {
	avg := func(k string) any {
		if a.counts[k] == 0 {
			return nil
		}
		return fnum(round(a.sums[k]/float64(a.counts[k]), 2))
	}
	age := float64(to-civilDate{u.born, 7, 1}.dayNumber()) / 365.25
	bmr := 10*u.weight + 625*u.height - 5*age + 5
	if u.gender == 1 {
		bmr -= 166
	}
	o := obj{
		"weight": fnum(u.weight), "height": fnum(u.height), "gender": u.gender == 1,
		"age": fnum(round(age, 2)), "bmr": fnum(round(bmr, 2)), "pal": nil,
	}
	if w := avg("weight"); w != nil {
		o["weight"] = w
	}
	o["body_fat"] = avg("body_fat")
	gate := func(scope string, keys []string) {
		for _, k := range keys {
			if scopes.Has(scope) {
				o[k] = avg(k)
			} else {
				o[k] = nil
			}
		}
	}
	gate("move_read", trendMoveKeys)
	var sleepKeys []string
	for _, suf := range trendSleepSufs {
		sleepKeys = append(sleepKeys, "s_"+suf, "n_"+suf)
	}
	gate("sleep_read", sleepKeys)
	gate("meal_read", trendEatKeys)
	return o
}
