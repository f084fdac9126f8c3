package fitbitserver

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

type sleepAnswer struct {
	Sleep []sleepJSON
	Meta  *struct {
		State         string
		RetryDuration int
	}
	Summary map[string]any
}

type segJSON struct {
	DateTime string
	Level    string
	Seconds  int
}

type sleepJSON struct {
	LogID                                  int64
	DateOfSleep, StartTime, EndTime, Type  string
	Duration                               int64
	TimeInBed, MinutesAsleep, MinutesAwake int
	IsMainSleep                            bool
	Levels                                 struct {
		Data, ShortData []segJSON
		Summary         map[string]struct{ Count, Minutes int }
	}
}

func wall(t *testing.T, s string) time.Time {
	t.Helper()
	w, err := time.Parse("2006-01-02T15:04:05.000", s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestDSTNights: a night across a DST change lasts its real time, its
// segments follow each other in real time, and so their local clock jumps
// by the hour (§6: local times without offset).
func TestDSTNights(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		date string
		jump time.Duration // wall clock minus real time across the change
	}{
		{testNow, "2024-03-10", time.Hour},
		{time.Date(2024, 11, 10, 12, 0, 0, 0, home), "2024-11-03", -time.Hour},
	} {
		t.Run(tc.date, func(t *testing.T) {
			var log *sleepJSON
			var c *client
			for seed := int64(1); seed < 20 && log == nil; seed++ {
				c = newClient(t, Config{Seed: seed, Now: fixedClock(tc.now).Now})
				var a sleepAnswer
				c.ok("/1.2/user/-/sleep/date/"+tc.date+".json", &a)
				for i := range a.Sleep {
					if a.Sleep[i].IsMainSleep && a.Sleep[i].Type == "stages" {
						log = &a.Sleep[i]
					}
				}
			}
			if log == nil {
				t.Fatal("no seed has a stage night")
			}
			start, end := wall(t, log.StartTime), wall(t, log.EndTime)
			real := time.Duration(log.Duration) * time.Millisecond
			if end.Sub(start) != real+tc.jump {
				t.Errorf("%s to %s on the wall clock, %s of sleep: want a jump of %s", log.StartTime, log.EndTime, real, tc.jump)
			}
			// Resolved in the zone (start in the evening, end in the
			// morning: neither ambiguous), the ends are real time apart.
			s := time.Date(start.Year(), start.Month(), start.Day(), start.Hour(), start.Minute(), start.Second(), 0, home)
			e := time.Date(end.Year(), end.Month(), end.Day(), end.Hour(), end.Minute(), end.Second(), 0, home)
			if e.Sub(s) != real {
				t.Errorf("resolved in %s: %s, want %s", home, e.Sub(s), real)
			}
			jumps, secs := 0, 0
			for i, seg := range log.Levels.Data {
				secs += seg.Seconds
				if i == 0 {
					continue
				}
				prev := log.Levels.Data[i-1]
				gap := wall(t, seg.DateTime).Sub(wall(t, prev.DateTime)) - time.Duration(prev.Seconds)*time.Second
				switch gap {
				case 0:
				case tc.jump:
					jumps++
				default:
					t.Errorf("segment %d at %s: %s after the previous one's end", i, seg.DateTime, gap)
				}
			}
			if jumps != 1 || time.Duration(secs)*time.Second != real {
				t.Errorf("%d jumps, %d s of segments for %s", jumps, secs, real)
			}
			// The day's minutes by wall clock: the skipped hour has none.
			var cal struct {
				Intraday struct {
					Dataset []struct{ Time string } `json:"dataset"`
				} `json:"activities-calories-intraday"`
			}
			c.ok("/1/user/-/activities/calories/date/"+tc.date+"/1d/1min.json", &cal)
			want := 1440
			if tc.jump > 0 {
				want = 1380
			}
			if len(cal.Intraday.Dataset) != want {
				t.Errorf("%d calorie minutes, want %d", len(cal.Intraday.Dataset), want)
			}
			for _, it := range cal.Intraday.Dataset {
				if tc.jump > 0 && it.Time[:2] == "02" {
					t.Fatalf("minute %s on a spring-forward day", it.Time)
				}
			}
		})
	}
}

type dataset1 struct {
	Time  string
	Value float64
	Level *int
	Mets  *int
}

type intradayAnswer map[string]any

// TestIntradayGaps: the minutes without the tracker are missing from the
// steps, distance and heart datasets, not zero; calories cover every
// minute; the datasets add up to the day's values (§7).
func TestIntradayGaps(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	d := c.srv.data
	gappy := 0
	for n := d.first; n <= d.last; n++ {
		m := d.minutes(n)
		worn, exist := 0, 0
		for i := range 1440 {
			if m.worn[i] {
				worn++
			}
			if m.exists[i] {
				exist++
			}
		}
		if worn == exist || worn == 0 {
			continue
		}
		gappy++
		if gappy > 3 {
			break
		}
		date := dayText(n)
		var steps, cal, heart struct {
			Daily    []struct{ DateTime, Value string } `json:"activities-steps"`
			Cals     []struct{ DateTime, Value string } `json:"activities-calories"`
			Intraday struct {
				Dataset         []dataset1
				DatasetInterval int
				DatasetType     string
			} `json:"activities-steps-intraday"`
			CalIntraday struct{ Dataset []dataset1 } `json:"activities-calories-intraday"`
			HrIntraday  struct{ Dataset []dataset1 } `json:"activities-heart-intraday"`
		}
		c.ok("/1/user/-/activities/steps/date/"+date+"/1d/1min.json", &steps)
		c.ok("/1/user/-/activities/calories/date/"+date+"/1d/1min.json", &cal)
		c.ok("/1/user/-/activities/heart/date/"+date+"/1d/1min.json", &heart)
		ds := steps.Intraday.Dataset
		if len(ds) != worn || steps.Intraday.DatasetInterval != 1 || steps.Intraday.DatasetType != "minute" {
			t.Fatalf("%s: %d step minutes, %d worn", date, len(ds), worn)
		}
		if len(heart.HrIntraday.Dataset) != worn {
			t.Errorf("%s: %d heart minutes, %d worn", date, len(heart.HrIntraday.Dataset), worn)
		}
		sum := 0
		for i, it := range ds {
			sum += int(it.Value)
			if i > 0 && it.Time <= ds[i-1].Time {
				t.Fatalf("%s: %s after %s", date, it.Time, ds[i-1].Time)
			}
			if heart.HrIntraday.Dataset[i].Time != it.Time {
				t.Fatalf("%s: heart minute %s where steps have %s", date, heart.HrIntraday.Dataset[i].Time, it.Time)
			}
		}
		if strconv.Itoa(sum) != steps.Daily[0].Value || steps.Daily[0].DateTime != date {
			t.Errorf("%s: the minutes add up to %d steps, the day says %v", date, sum, steps.Daily)
		}
		if len(cal.CalIntraday.Dataset) != exist {
			t.Errorf("%s: %d calorie minutes, want all %d", date, len(cal.CalIntraday.Dataset), exist)
		}
		kcal := 0.0
		for _, it := range cal.CalIntraday.Dataset {
			if it.Level == nil || it.Mets == nil {
				t.Fatalf("%s: a calorie minute without level or mets", date)
			}
			kcal += it.Value
		}
		if len(cal.Cals) == 1 && fmt.Sprint(int(kcal+0.5)) != cal.Cals[0].Value {
			t.Errorf("%s: %v kcal in minutes, %s a day", date, kcal, cal.Cals[0].Value)
		}
		// 15-minute buckets add up to the same; a time window cuts.
		var q struct {
			Intraday struct{ Dataset []dataset1 } `json:"activities-steps-intraday"`
		}
		c.ok("/1/user/-/activities/steps/date/"+date+"/1d/15min.json", &q)
		sum15 := 0
		for _, it := range q.Intraday.Dataset {
			sum15 += int(it.Value)
			if it.Time[3:5] != "00" && it.Time[3:5] != "15" && it.Time[3:5] != "30" && it.Time[3:5] != "45" {
				t.Errorf("15-minute bucket at %s", it.Time)
			}
		}
		if sum15 != sum {
			t.Errorf("%s: 15-minute buckets hold %d steps, minutes %d", date, sum15, sum)
		}
		c.ok("/1/user/-/activities/steps/date/"+date+"/"+date+"/1min/time/08:00/08:59.json", &q)
		for _, it := range q.Intraday.Dataset {
			if it.Time < "08:00:00" || it.Time > "08:59:00" {
				t.Errorf("time window 08:00-08:59 holds %s", it.Time)
			}
		}
	}
	if gappy == 0 {
		t.Fatal("no day with gaps")
	}
}

// TestSleepLogs checks every served log: segments that follow each other
// from startTime to endTime on the 30-second grid, short wakes inside
// light segments, summaries that add up to the time in bed, both log
// types, main sleeps and naps (§7, PASTEBIN's recording).
func TestSleepLogs(t *testing.T) {
	c := newClient(t, Config{Seed: 3, Days: 100})
	var a sleepAnswer
	c.ok("/1.2/user/-/sleep/date/"+dayText(c.srv.data.first)+"/"+dayText(c.srv.data.last)+".json", &a)
	kinds := map[string]int{}
	for _, l := range a.Sleep {
		kind := l.Type
		if l.IsMainSleep {
			kind += " main"
		}
		kinds[kind]++
		start, end := wall(t, l.StartTime), wall(t, l.EndTime)
		if l.DateOfSleep != end.Format(time.DateOnly) {
			t.Errorf("log %d ends %s, dated %s", l.LogID, l.EndTime, l.DateOfSleep)
		}
		pos := start
		secs := 0
		for _, s := range l.Levels.Data {
			at := wall(t, s.DateTime)
			if !at.Equal(pos) && at.Sub(pos).Abs() != time.Hour {
				t.Fatalf("log %d: segment at %s, the previous ended %s", l.LogID, s.DateTime, pos)
			}
			if s.Seconds%30 != 0 || s.Seconds <= 0 {
				t.Errorf("log %d: segment of %d s", l.LogID, s.Seconds)
			}
			pos = at.Add(time.Duration(s.Seconds) * time.Second)
			secs += s.Seconds
		}
		if int64(secs)*1000 != l.Duration || (!pos.Equal(end) && pos.Sub(end).Abs() != time.Hour) {
			t.Errorf("log %d: segments of %d s end %s, log %d ms to %s", l.LogID, secs, pos, l.Duration, l.EndTime)
		}
		sum := 0
		for _, v := range l.Levels.Summary {
			sum += v.Minutes
		}
		if sum != l.TimeInBed || l.MinutesAsleep+l.MinutesAwake != l.TimeInBed {
			t.Errorf("log %d: summary %d min, asleep %d + awake %d, in bed %d", l.LogID, sum, l.MinutesAsleep, l.MinutesAwake, l.TimeInBed)
		}
		levels := map[string]bool{"deep": true, "light": true, "rem": true, "wake": true}
		if l.Type == "classic" {
			levels = map[string]bool{"asleep": true, "restless": true, "awake": true}
			if len(l.Levels.ShortData) != 0 {
				t.Errorf("classic log %d with shortData", l.LogID)
			}
		}
		for _, s := range l.Levels.Data {
			if !levels[s.Level] {
				t.Errorf("%s log %d has level %s", l.Type, l.LogID, s.Level)
			}
		}
		for _, s := range l.Levels.ShortData {
			at := wall(t, s.DateTime)
			inside := false
			for _, u := range l.Levels.Data {
				from := wall(t, u.DateTime)
				if u.Level == "light" && !at.Before(from) && !at.Add(time.Duration(s.Seconds)*time.Second).After(from.Add(time.Duration(u.Seconds)*time.Second)) {
					inside = true
				}
			}
			if !inside || s.Level != "wake" || s.Seconds < 30 || s.Seconds > 180 {
				t.Errorf("log %d: short %s of %d s at %s is not inside a light segment", l.LogID, s.Level, s.Seconds, s.DateTime)
			}
		}
	}
	for _, k := range []string{"stages main", "classic main", "classic"} {
		if kinds[k] == 0 {
			t.Errorf("no %s log in 100 days: %v", k, kinds)
		}
	}
	// Today's sleep is still being processed.
	var p sleepAnswer
	c.ok("/1.2/user/-/sleep/date/today.json", &p)
	if p.Meta == nil || p.Meta.State != "pending" || len(p.Sleep) != 0 {
		t.Errorf("today: %+v", p)
	}
}

// TestDailyQuirks: "0" days in the activity series, days without a
// resting heart rate, weight and fat logs that share logId, weights typed
// in at 23:59:59, SpO2 days without data as {}, -1 breathing rates,
// vo2Max as a range and as a value.
func TestDailyQuirks(t *testing.T) {
	c := newClient(t, Config{Seed: 1, Days: 730})
	d := c.srv.data
	var steps struct {
		S []struct{ DateTime, Value string } `json:"activities-steps"`
	}
	c.ok("/1/user/-/activities/steps/date/"+dayText(d.last-729)+"/"+dayText(d.last)+".json", &steps)
	zeros := 0
	for _, s := range steps.S {
		if s.Value == "0" {
			zeros++
		}
	}
	if len(steps.S) != 730 || zeros == 0 || zeros > 60 {
		t.Errorf("%d days, %d of them \"0\"", len(steps.S), zeros)
	}
	var heart struct {
		H []struct {
			Value struct {
				HeartRateZones   []struct{ Minutes int }
				RestingHeartRate *int
			}
		} `json:"activities-heart"`
	}
	c.ok("/1/user/-/activities/heart/date/"+dayText(d.last-364)+"/"+dayText(d.last)+".json", &heart)
	missing := 0
	for _, h := range heart.H {
		if h.Value.RestingHeartRate == nil {
			missing++
		}
		if len(h.Value.HeartRateZones) != 4 {
			t.Fatalf("%d zones", len(h.Value.HeartRateZones))
		}
	}
	if missing == 0 || missing > 60 {
		t.Errorf("%d of 365 days without a resting heart rate", missing)
	}
	shared, typed, brNone, ranges, values, spo2Empty := 0, 0, 0, 0, 0, 0
	for end := d.last; end > d.last-360; end -= 30 {
		from, to := dayText(end-29), dayText(end)
		var w struct {
			Weight []struct {
				LogID  int64
				Time   string
				Fat    *float64
				Weight float64
				Source string
			}
		}
		var f struct{ Fat []struct{ LogID int64 } }
		c.ok("/1/user/-/body/log/weight/date/"+from+"/"+to+".json", &w)
		c.ok("/1/user/-/body/log/fat/date/"+from+"/"+to+".json", &f)
		fats := map[int64]bool{}
		for _, x := range f.Fat {
			fats[x.LogID] = true
		}
		for _, x := range w.Weight {
			if x.Fat != nil && fats[x.LogID] {
				shared++
			}
			if x.Time == "23:59:59" && x.Fat == nil && x.Source == "API" {
				typed++
			}
		}
		var br struct {
			Br []struct {
				Value map[string]struct{ BreathingRate float64 }
			}
		}
		c.ok("/1/user/-/br/date/"+from+"/"+to+"/all.json", &br)
		for _, x := range br.Br {
			if x.Value["remSleepSummary"].BreathingRate == -1 {
				brNone++
			}
		}
		var cs struct {
			CardioScore []struct{ Value struct{ Vo2Max string } }
		}
		c.ok("/1/user/-/cardioscore/date/"+from+"/"+to+".json", &cs)
		for _, x := range cs.CardioScore {
			var lo, hi int
			if _, err := fmt.Sscanf(x.Value.Vo2Max, "%d-%d", &lo, &hi); err == nil && hi == lo+4 {
				ranges++
			} else if _, err := strconv.ParseFloat(x.Value.Vo2Max, 64); err == nil {
				values++
			} else {
				t.Errorf("vo2Max %q", x.Value.Vo2Max)
			}
		}
	}
	for n := d.last; n > d.last-60; n-- {
		if _, ok := d.mainStages(n); !ok {
			var v map[string]any
			c.ok("/1/user/-/spo2/date/"+dayText(n)+".json", &v)
			if len(v) == 0 {
				spo2Empty++
			}
		}
	}
	if shared == 0 || typed == 0 || brNone == 0 || ranges == 0 || values == 0 || spo2Empty == 0 {
		t.Errorf("shared logIds %d, typed weights %d, -1 rem rates %d, vo2Max ranges %d and values %d, empty SpO2 days %d",
			shared, typed, brNone, ranges, values, spo2Empty)
	}
}

// TestTimezoneUTC: with timezone=UTC the intraday routes answer the UTC
// day, minute for minute the local data moved by the zone's offset, and
// the time series sums UTC days (§1, §6).
func TestTimezoneUTC(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	type answer struct {
		Daily    []struct{ Value string }     `json:"activities-steps"`
		Intraday struct{ Dataset []dataset1 } `json:"activities-steps-intraday"`
		Heart    struct{ Dataset []dataset1 } `json:"activities-heart-intraday"`
	}
	local := map[int64]float64{} // Unix seconds
	for _, date := range []string{"2024-03-05", "2024-03-06"} {
		var a answer
		c.ok("/1/user/-/activities/steps/date/"+date+"/1d/1min.json", &a)
		for _, it := range a.Intraday.Dataset {
			w, _ := time.ParseInLocation("2006-01-02 15:04:05", date+" "+it.Time, home)
			local[w.Unix()] = it.Value
		}
	}
	var u answer
	c.ok("/1/user/-/activities/steps/date/2024-03-06/1d/1min.json?timezone=UTC", &u)
	from, to := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC)
	want, sum := 0, 0
	for w := range local {
		if w >= from.Unix() && w < to.Unix() {
			want++
		}
	}
	for _, it := range u.Intraday.Dataset {
		w, _ := time.Parse("2006-01-02 15:04:05", "2024-03-06 "+it.Time)
		v, ok := local[w.Unix()]
		if !ok || v != it.Value {
			t.Fatalf("UTC %s: %v steps; local data has %v (%v)", it.Time, it.Value, v, ok)
		}
		sum += int(it.Value)
	}
	if len(u.Intraday.Dataset) != want || want == 0 {
		t.Errorf("%d UTC minutes, want %d", len(u.Intraday.Dataset), want)
	}
	var series struct {
		S []struct{ DateTime, Value string } `json:"activities-steps"`
	}
	c.ok("/1/user/-/activities/steps/date/2024-03-06/1d.json?timezone=UTC", &series)
	if series.S[0].Value != strconv.Itoa(sum) || u.Daily[0].Value != series.S[0].Value {
		t.Errorf("UTC day: series %v, intraday element %v, minutes %d", series.S, u.Daily, sum)
	}
	var h answer
	c.ok("/1/user/-/activities/heart/date/2024-03-06/1d/1min.json?timezone=UTC", &h)
	if len(h.Heart.Dataset) != want {
		t.Errorf("%d UTC heart minutes, want %d", len(h.Heart.Dataset), want)
	}
	if a := c.get("/1/user/-/activities/steps/date/2024-03-06/1d/1min.json?timezone=Europe/Berlin"); a.status != 400 ||
		fitbitError(t, a) != "validation" {
		t.Errorf("timezone=Europe/Berlin: %d %s", a.status, a.body)
	}
}

// TestProfile: the zone with its current offset, the account's first day,
// the id the token answer names.
func TestProfile(t *testing.T) {
	for _, tc := range []struct {
		now    time.Time
		offset int
	}{
		{testNow, -5 * 3600 * 1000},                                      // CDT
		{time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC), -6 * 3600 * 1000}, // CST
	} {
		c := newClient(t, Config{Seed: 1, Days: 30, Now: fixedClock(tc.now).Now})
		var p struct {
			User struct {
				EncodedID, Timezone, MemberSince string
				OffsetFromUTCMillis              int
			}
		}
		c.ok("/1/user/-/profile.json", &p)
		first := civil(tc.now.In(home)) - 30
		if p.User.Timezone != "America/Chicago" || p.User.OffsetFromUTCMillis != tc.offset ||
			p.User.MemberSince != dayText(first) || p.User.EncodedID != c.srv.UserID() || len(p.User.EncodedID) != 6 {
			t.Errorf("at %s: %+v, want offset %d, member since %s", tc.now, p.User, tc.offset, dayText(first))
		}
	}
}
