package withingsserver

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// measure is one {value, type, unit} of a group. Real is the quantity the
// generator meant, before rounding to the unit; value × 10^unit is within
// half a unit step of it.
type measure struct {
	Value    int64   `json:"value"`
	Type     int     `json:"type"`
	Unit     int     `json:"unit"`
	Algo     *int64  `json:"algo,omitempty"`
	FM       *int    `json:"fm,omitempty"`
	Position *int    `json:"position,omitempty"`
	AppPfmID *int    `json:"apppfmid,omitempty"`
	AppliVer *int    `json:"appliver,omitempty"`
	Real     float64 `json:"-"`
}

// measureGroup is one element of getmeas' measuregrps. The device fields
// are pointers because manual entries have them null.
type measureGroup struct {
	GrpID        int64     `json:"grpid"`
	Attrib       int       `json:"attrib"`
	Date         int64     `json:"date"`
	Created      int64     `json:"created"`
	Modified     int64     `json:"modified"`
	Category     int       `json:"category"`
	DeviceID     *string   `json:"deviceid"`
	HashDeviceID *string   `json:"hash_deviceid"`
	Measures     []measure `json:"measures"`
	ModelID      *int      `json:"modelid"`
	Model        *string   `json:"model"`
	Comment      *string   `json:"comment"`
}

// Measure types the generator uses (docs/providers/withings.md has them all).
const (
	typeWeight        = 1
	typeHeight        = 4
	typeFatFreeMass   = 5
	typeFatRatio      = 6
	typeFatMass       = 8
	typeDiastolic     = 9
	typeSystolic      = 10
	typeHeartPulse    = 11
	typeMuscleMass    = 76
	typeHydration     = 77
	typeBoneMass      = 88
	typePWV           = 91
	typeAfib          = 130
	typeVascularAge   = 155
	typeECW           = 168
	typeICW           = 169
	typeVisceralFat   = 170
	typeSegFatFree    = 173
	typeSegFat        = 174
	typeSegMuscle     = 175
	typeEDAFeet       = 196
	typeEDALeft       = 197
	typeEDARight      = 198
	typeBasalMetabolc = 226
)

// Attributions (docs/providers/withings.md).
const (
	attribDevice    = 0
	attribAmbiguous = 1
	attribManual    = 2
	attribSameAs0   = 8
	attribUndocd17  = 17 // seen in a recording, not documented
)

// mk rounds real to unit and returns the measure.
func mk(typ, unit int, real float64) measure {
	return measure{Value: int64(math.Round(real / math.Pow10(unit))), Type: typ, Unit: unit, Real: real}
}

func ptr[T any](v T) *T { return &v }

// withAlgo marks a measure the way scales do (algo and fm are deprecated
// but present on some measures of a group and absent on others).
func (m measure) withAlgo(algo int64, fm int) measure {
	m.Algo, m.FM = ptr(algo), ptr(fm)
	return m
}

func (m measure) at(position int) measure {
	m.Position = ptr(position)
	return m
}

// event is what one measurement session stores: groups created together,
// whose grpids are consecutive, except that a twin repeats its
// predecessor's grpid with another attrib.
type event struct {
	created int64
	groups  []*measureGroup
	twin    []bool
}

func (e *event) add(g *measureGroup, twin bool) {
	e.groups = append(e.groups, g)
	e.twin = append(e.twin, twin)
}

func (u *userData) group(dev string, attrib int, date int64, ms ...measure) *measureGroup {
	g := &measureGroup{Attrib: attrib, Date: date, Category: 1, Measures: ms}
	if d := u.devices[dev]; d != nil {
		g.DeviceID, g.HashDeviceID = ptr(d.DeviceID), ptr(d.HashDeviceID)
		g.ModelID, g.Model = ptr(d.ModelID), ptr(d.Model)
	}
	return g
}

// body is the weigher's state on a day.
type body struct {
	weight, fatRatio, pulse float64
}

func (u *userData) bodyOn(dayIndex int, r float64) body {
	x := float64(dayIndex)
	w := 76 + 6*float64(u.idx%4) + 2.5*math.Sin(x/170) - x/900 + 0.6*math.Sin(x/9) + r
	return body{weight: w, fatRatio: 21 + 2*math.Sin(x/170) + r/3, pulse: 64 + 6*math.Sin(x/40)}
}

func (u *userData) genMeasures() {
	rng := u.rng(1)
	var events []*event
	newEvent := func(created int64) *event {
		e := &event{created: created}
		events = append(events, e)
		return e
	}
	dayIndex := 0
	first := true
	u.eachDay(func(day time.Time) {
		defer func() { dayIndex++ }()
		z, away := u.zoneOn(day)
		if first {
			// Account creation: height and weight typed in by hand, with
			// the app's fields, and a weight objective (category 2).
			first = false
			date := at(day, u.home, 20*3600+rng.IntN(3600))
			e := newEvent(date + 1)
			e.add(u.group("", attribManual, date, manualMeasure(typeHeight, -3, 1.70+0.05*float64(u.idx%3))), false)
			e.add(u.group("", attribManual, date, manualMeasure(typeWeight, -3, round(u.bodyOn(0, 0).weight, 1))), false)
			goal := u.group("", attribManual, date, mk(typeWeight, -3, 72))
			goal.Category = 2
			e.add(goal, false)
		}
		if away {
			// The scale stays home; now and then a weight is typed in,
			// in the units the app uses (-2 or -4), entered days later.
			if rng.IntN(6) == 0 {
				date := at(day, z, 8*3600+rng.IntN(3600))
				unit := []int{-2, -4}[rng.IntN(2)]
				w := round(u.bodyOn(dayIndex, 0).weight, 1)
				e := newEvent(date + int64(86400*(1+rng.IntN(4))))
				e.add(u.group("", attribManual, date, mk(typeWeight, unit, w).withAlgo(0, 128)), false)
			}
			return
		}
		if rng.IntN(7) < 5 {
			u.weighing(newEvent, day, dayIndex, rng)
		}
		if u.devices[roleBPM].on(day, z) && rng.IntN(7) < 3 {
			date := at(day, z, 20*3600+rng.IntN(7200))
			attrib := attribDevice
			switch n := rng.IntN(100); {
			case n < 5:
				attrib = attribAmbiguous
			case n < 6:
				attrib = attribUndocd17
			}
			sys := 118 + 8*math.Sin(float64(dayIndex)/60) + 6*rng.NormFloat64()
			dia := 0.64*sys + 3*rng.NormFloat64()
			pulse := u.bodyOn(dayIndex, 0).pulse + 4*rng.NormFloat64()
			e := newEvent(date + int64(30+rng.IntN(3600)))
			e.add(u.group(roleBPM, attrib, date,
				mk(typeDiastolic, -2, dia).withAlgo(0, 128),
				mk(typeSystolic, -2, sys).withAlgo(0, 128),
				mk(typeHeartPulse, -2, pulse).withAlgo(0, 128)), false)
		}
		if rng.IntN(90) == 0 {
			// Blood pressure typed in by hand: whole mmHg, unit 0.
			date := at(day, z, 19*3600+rng.IntN(3600))
			e := newEvent(date + 5)
			e.add(u.group("", attribManual, date,
				mk(typeDiastolic, 0, float64(70+rng.IntN(15))).withAlgo(0, 128),
				mk(typeSystolic, 0, float64(112+rng.IntN(25))).withAlgo(0, 128),
				mk(typeHeartPulse, 0, float64(60+rng.IntN(20))).withAlgo(0, 128)), false)
		}
		if u.worn(day) && (len(u.ecgs) == 0 || rng.IntN(20) == 0) {
			// An ECG on the watch: an afib result and a pulse, and a record
			// in the heart list. The first day the watch is worn has one
			// (its owner tries it out), so a short history has one too.
			date := at(day, z, 13*3600+rng.IntN(6*3600))
			afib := 0
			if rng.IntN(12) == 0 {
				afib = 2
			}
			pulse := 60 + rng.IntN(30)
			e := newEvent(date + int64(60+rng.IntN(600)))
			e.add(u.group(roleWatch, attribDevice, date,
				mk(typeAfib, 0, float64(afib)), mk(typeHeartPulse, 0, float64(pulse))), false)
			u.ecgs = append(u.ecgs, &ecgRecord{
				DeviceID: u.devices[roleWatch].DeviceID, Model: 91,
				ECG:       ecgRef{SignalID: int64(18_000_000 + 1000*u.idx + len(u.ecgs)), Afib: afib},
				HeartRate: pulse, Timestamp: date, Modified: e.created,
			})
		}
	})
	u.assignGroupIDs(events, rng)
}

func manualMeasure(typ, unit int, real float64) measure {
	m := mk(typ, unit, real).withAlgo(0, 128)
	m.AppPfmID, m.AppliVer = ptr(7), ptr(5050021)
	return m
}

// weighing stores one weighing on the scale in use that day.
func (u *userData) weighing(newEvent func(int64) *event, day time.Time, dayIndex int, rng *rand.Rand) {
	date := at(day, u.home, 7*3600+rng.IntN(5400))
	b := u.bodyOn(dayIndex, 0.3*rng.NormFloat64())
	fat := b.weight * b.fatRatio / 100
	ffm := b.weight - fat
	muscle, water, bone := ffm*0.94, ffm*0.72, ffm*0.052
	pulse := b.pulse + 3*rng.NormFloat64()
	// Scales sync late: created is up to two days after date.
	e := newEvent(date + int64(20+rng.IntN(2*86400)))
	switch {
	case u.devices[roleCardio].on(day, u.home):
		const fm = 131
		// One weighing, three groups with the same date: composition,
		// pulse, and pulse wave velocity with vascular age as attrib 8.
		e.add(u.group(roleCardio, attribDevice, date,
			mk(typeWeight, -3, b.weight).withAlgo(0, fm),
			mk(typeFatMass, -2, fat).withAlgo(0, fm),
			mk(typeMuscleMass, -2, muscle).withAlgo(0, fm),
			mk(typeHydration, -2, water).withAlgo(0, fm),
			mk(typeBoneMass, -2, bone).withAlgo(0, fm),
			mk(typeFatRatio, -3, b.fatRatio),
			mk(typeFatFreeMass, -3, ffm)), false)
		e.add(u.group(roleCardio, attribDevice, date, mk(typeHeartPulse, -2, pulse).withAlgo(0, fm)), false)
		e.add(u.group(roleCardio, attribSameAs0, date,
			mk(typePWV, -3, 7+0.6*rng.NormFloat64()).withAlgo(0, fm),
			mk(typeVascularAge, -1, float64(38+u.idx)+rng.NormFloat64()).withAlgo(0, fm)), false)
	case u.devices[roleScan].on(day, u.home):
		const algo, fm = 218235904, 3
		s := func(m measure) measure { return m.withAlgo(algo, fm) }
		whole := func(m measure) measure { return s(m).at(7) }
		ms := []measure{
			s(mk(typeWeight, -3, b.weight)),
			// Recorded Body Scan groups carry fat-free and fat mass twice.
			whole(mk(typeFatFreeMass, -2, ffm)), whole(mk(typeFatFreeMass, -2, ffm)),
			whole(mk(typeFatMass, -2, fat)), whole(mk(typeFatMass, -2, fat)),
			whole(mk(typeMuscleMass, -2, muscle)),
			whole(mk(typeHydration, -2, water)),
			whole(mk(typeBoneMass, -2, bone)),
			whole(mk(typeECW, -2, water*0.42)),
			whole(mk(typeICW, -2, water*0.58)),
			whole(mk(typeVisceralFat, -1, 3+b.fatRatio/10)),
		}
		// Segments: torso, left leg, left arm, right leg, right arm.
		for _, seg := range []struct {
			pos  int
			part float64
		}{{12, 0.50}, {10, 0.17}, {3, 0.06}, {11, 0.17}, {2, 0.06}} {
			ms = append(ms, s(mk(typeSegFatFree, -2, ffm*seg.part)).at(seg.pos))
		}
		for _, seg := range []struct {
			pos  int
			part float64
		}{{12, 0.55}, {10, 0.15}, {3, 0.075}, {11, 0.15}, {2, 0.075}} {
			ms = append(ms, s(mk(typeSegFat, -2, fat*seg.part)).at(seg.pos))
		}
		for _, seg := range []struct {
			pos  int
			part float64
		}{{12, 0.48}, {10, 0.18}, {3, 0.07}, {11, 0.18}, {2, 0.07}} {
			ms = append(ms, s(mk(typeSegMuscle, -2, muscle*seg.part)).at(seg.pos))
		}
		ms = append(ms, whole(mk(typeBasalMetabolc, 0, 370+21.6*ffm)), mk(typeFatRatio, -3, b.fatRatio))
		main := u.group(roleScan, attribDevice, date, ms...)
		e.add(main, false)
		e.add(u.group(roleScan, attribDevice, date, mk(typeHeartPulse, 0, math.Round(pulse)).withAlgo(0, fm)), false)
		if rng.IntN(4) == 0 {
			// The same grpid again as attrib 8, as a recording has it.
			e.add(u.group(roleScan, attribSameAs0, date, s(mk(typeWeight, -3, b.weight))), true)
		}
		if rng.IntN(3) == 0 {
			eda := 50 + 5*rng.NormFloat64()
			e.add(u.group(roleScan, attribDevice, date,
				mk(typeEDAFeet, -3, eda).withAlgo(0, fm),
				mk(typeEDALeft, -3, eda-2+rng.NormFloat64()).withAlgo(0, fm),
				mk(typeEDARight, -3, eda+2+rng.NormFloat64()).withAlgo(0, fm)), false)
		}
	}
}

// assignGroupIDs numbers the groups in the order they were stored, sets
// created and modified, edits a few groups later, and sorts them as the
// recorded list is sorted (by modified).
func (u *userData) assignGroupIDs(events []*event, rng *rand.Rand) {
	sort.SliceStable(events, func(i, j int) bool { return events[i].created < events[j].created })
	id := int64(2_700_000_000) + int64(u.idx)*50_000_000 // above 2^31, as real ids are
	for _, e := range events {
		for i, g := range e.groups {
			if !e.twin[i] {
				id += int64(1 + rng.IntN(400))
			}
			g.GrpID = id
			g.Created = min(e.created+int64(i), u.endInstant)
			g.Modified = g.Created
			if rng.IntN(25) == 0 {
				// Edited or re-attributed later: only lastupdate sees it.
				g.Modified = min(g.Created+int64(86400*(1+rng.IntN(200))), u.endInstant)
			}
			u.groups = append(u.groups, g)
		}
	}
	sortGroups(u.groups)
}

// ecgRecord is one element of heart list's series.
type ecgRecord struct {
	DeviceID  string `json:"deviceid"`
	Model     int    `json:"model"`
	ECG       ecgRef `json:"ecg"`
	HeartRate int    `json:"heart_rate"`
	Timestamp int64  `json:"timestamp"`
	Modified  int64  `json:"modified"`
}

type ecgRef struct {
	SignalID int64 `json:"signalid"`
	Afib     int   `json:"afib"`
}
