package fitbitserver

import "time"

// sleepByDate is /1.2/user/-/sleep/date/<date>.json: the logs that ended
// on the date and the day's summary (sleep_date_stages_and_classic.json);
// today's sleep is still being processed (sleep_pending.json).
func (d *dataset) sleepByDate(c *call, date string) (any, *apiError) {
	n, e := c.date("date", date)
	if e != nil {
		return nil, e
	}
	summary := obj{"totalMinutesAsleep": 0, "totalSleepRecords": 0, "totalTimeInBed": 0}
	if n == c.today {
		return obj{"sleep": []obj{}, "summary": summary, "meta": obj{"state": "pending", "retryDuration": 30000}}, nil
	}
	logs := []obj{}
	asleep, inBed := 0, 0
	memo := stageMemo{}
	for _, l := range d.sleepLogs(n) {
		o := d.sleepObj(memo, l)
		logs = append(logs, o)
		asleep += o["minutesAsleep"].(int)
		inBed += o["timeInBed"].(int)
		if l.main && !l.classic {
			m := l.levelMinutes()
			summary["stages"] = obj{"deep": m["deep"], "light": m["light"], "rem": m["rem"], "wake": m["wake"]}
		}
	}
	summary["totalMinutesAsleep"], summary["totalSleepRecords"], summary["totalTimeInBed"] = asleep, len(logs), inBed
	return obj{"sleep": logs, "summary": summary}, nil
}

// sleepByRange is /1.2/user/-/sleep/date/<start>/<end>.json: the logs
// whose dateOfSleep is in the range, so the first may have started the
// day before (§7), at most 100 days.
func (d *dataset) sleepByRange(c *call, a, b string) (any, *apiError) {
	from, to, e := c.span(a, b, maxSleep, nil)
	if e != nil {
		return nil, e
	}
	logs := []obj{}
	memo := stageMemo{}
	for n := from; n <= to; n++ {
		for _, l := range d.sleepLogs(n) {
			logs = append(logs, d.sleepObj(memo, l))
		}
	}
	return obj{"sleep": logs}, nil
}

// sleepList is /1.2/user/-/sleep/list.json (sleep_list_page.json).
func (d *dataset) sleepList(c *call, path string) (any, *apiError) {
	lq, e := c.listQuery()
	if e != nil {
		return nil, e
	}
	memo := stageMemo{}
	items, more := d.page(lq, func(n int64) []listItem {
		var out []listItem
		for _, l := range d.sleepLogs(n) {
			out = append(out, listItem{l.span.from, func() obj { return d.sleepObj(memo, l) }})
		}
		return out
	})
	logs := make([]obj, 0, len(items))
	for _, it := range items {
		logs = append(logs, it.obj())
	}
	return obj{"pagination": lq.pagination(c, path, more), "sleep": logs}, nil
}

// bodyLogs is /1/user/-/body/log/<weight|fat>/date/<date>[/<end or
// period>].json (weight_logs.json, fat_logs.json): the logs of the days,
// weight in the request's units; a weight log and its fat log share logId.
func (d *dataset) bodyLogs(c *call, kind string, args []string) (any, *apiError) {
	limit := maxWeight
	if kind == "fat" {
		limit = maxFat
	}
	var from, to int64
	var e *apiError
	if len(args) == 1 {
		from, e = c.date("date", args[0])
		to = from
	} else {
		from, to, e = c.span(args[0], args[1], limit, shortPeriods)
	}
	if e != nil {
		return nil, e
	}
	logs := []obj{}
	for n := from; n <= to; n++ {
		for _, w := range d.weighIns(n) {
			base := obj{"date": dayText(n), "logId": w.id, "source": w.source, "time": w.t.In(home).Format(time.TimeOnly)}
			if kind == "fat" {
				if w.fat > 0 {
					base["fat"] = w.fat
					logs = append(logs, base)
				}
				continue
			}
			base["weight"] = round2(c.u.weight(w.kg))
			base["bmi"] = round2(w.kg / (heightCM * heightCM / 10000))
			if w.fat > 0 {
				base["fat"] = w.fat
			}
			logs = append(logs, base)
		}
	}
	return obj{kind: logs}, nil
}

// nightly serves SpO2, HRV, breathing rate, skin temperature and cardio
// score by date or interval (at most 30 days), summary or /all (§7). SpO2
// answers without a wrapper: an object for a date, a bare array for an
// interval (spo2_summary_interval_bare_array.json, spo2_intraday_date.json);
// a date without a value is {}.
func (d *dataset) nightly(c *call, kind string, args []string, all bool) (any, *apiError) {
	var from, to int64
	var e *apiError
	if len(args) == 1 {
		from, e = c.date("date", args[0])
		to = from
	} else {
		from, to, e = c.span(args[0], args[1], maxNightly, nil)
	}
	if e != nil {
		return nil, e
	}
	items := []obj{}
	for n := from; n <= to; n++ {
		if it := d.nightlyItem(kind, n, all, c.u); it != nil {
			items = append(items, it)
		}
	}
	switch {
	case kind == "spo2" && len(args) == 1:
		if len(items) == 0 {
			return obj{}, nil
		}
		return items[0], nil
	case kind == "spo2":
		return items, nil
	}
	return obj{kind: items}, nil
}

func (d *dataset) nightlyItem(kind string, n int64, all bool, u units) obj {
	date := dayText(n)
	switch kind {
	case "spo2":
		ms := d.spo2(n)
		if len(ms) == 0 {
			return nil
		}
		if !all {
			return obj{"dateTime": date, "value": spo2Summary(ms)}
		}
		mins := make([]obj, len(ms))
		for i, m := range ms {
			mins[i] = obj{"minute": localSecs(m.t), "value": m.value}
		}
		return obj{"dateTime": date, "minutes": mins}
	case "hrv":
		ms := d.hrv(n)
		if len(ms) == 0 {
			return nil
		}
		if !all {
			return obj{"dateTime": date, "value": hrvSummary(ms)}
		}
		mins := make([]obj, len(ms))
		for i, m := range ms {
			mins[i] = obj{"minute": localMillis(m.t), "value": obj{"rmssd": m.rmssd, "coverage": m.coverage, "hf": m.hf, "lf": m.lf}}
		}
		return obj{"dateTime": date, "minutes": mins}
	case "br":
		b, ok := d.breathing(n)
		if !ok {
			return nil
		}
		if !all {
			return obj{"dateTime": date, "value": obj{"breathingRate": b.full}}
		}
		rate := func(v float64) obj { return obj{"breathingRate": v} }
		return obj{"dateTime": date, "value": obj{"deepSleepSummary": rate(b.deep), "remSleepSummary": rate(b.rem),
			"fullSleepSummary": rate(b.full), "lightSleepSummary": rate(b.light)}}
	case "tempSkin":
		v, ok := d.skinTemp(n)
		if !ok {
			return nil
		}
		if u == us {
			v = round1(v * 1.8) // a difference in °F
		}
		return obj{"dateTime": date, "logType": "dedicated_temp_sensor", "value": obj{"nightlyRelative": v}}
	case "cardioScore":
		v, ok := d.vo2Max(n)
		if !ok {
			return nil
		}
		return obj{"dateTime": date, "value": obj{"vo2Max": v}}
	}
	return nil
}
