package upserver

import (
	"fmt"
	"time"
	_ "time/tzdata" // same zone rules on every machine, so pages are byte-identical
)

// zoneForm is how a zone is written in JSON (§7).
type zoneForm uint8

const (
	formOlson  zoneForm = iota // "America/Denver"
	formGMT                    // "GMT+0330"
	formOffset                 // -21600 (integer seconds; only inside tzs)
)

// zone is a time zone plus the form the data writes it in.
type zone struct {
	loc  *time.Location
	name string // Olson name, or the GMT form for fixed zones
	form zoneForm
}

func olson(name string) zone {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("upserver: zone %s: %v", name, err)) // embedded tzdata has it
	}
	return zone{loc: loc, name: name, form: formOlson}
}

func fixed(offset int, form zoneForm) zone {
	name := gmtName(offset)
	return zone{loc: time.FixedZone(name, offset), name: name, form: form}
}

// gmtName writes an offset in the "GMT-0700" form.
func gmtName(offset int) string {
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("GMT%c%02d%02d", sign, offset/3600, offset%3600/60)
}

func (z zone) offsetAt(t int64) int {
	_, off := time.Unix(t, 0).In(z.loc).Zone()
	return off
}

// detailsTZ is the zone as written in details.tz: a string always.
func (z zone) detailsTZ() string { return z.name }

// tzsValue is the zone as written inside details.tzs: a string, or the
// integer offset in seconds for formOffset zones.
func (z zone) tzsValue(t int64) any {
	if z.form == formOffset {
		return z.offsetAt(t)
	}
	return z.name
}

// gmtAt is the zone's offset at t in the "GMT-0700" form, as some real
// items (body events) carried instead of an Olson name.
func (z zone) gmtAt(t int64) string { return gmtName(z.offsetAt(t)) }

// laTypo is the docs-only misspelling that real-world parsers must accept.
const laTypo = "America/Los Angeles"

var (
	homeZones = []zone{
		olson("America/Los_Angeles"), olson("Europe/Berlin"), olson("America/New_York"),
		olson("Asia/Tokyo"), olson("Europe/London"),
	}
	// Trip destinations, one per zone form: an integer offset (as in
	// SHIM's tzs [1439994003, -21600]), a GMT string with a half-hour
	// offset, and two Olson names.
	tripZones = []zone{
		fixed(-21600, formOffset),
		fixed(12600, formGMT),
		olson("America/New_York"),
		olson("Europe/London"),
	}
	altTripZones = []zone{olson("America/Chicago"), olson("Europe/Paris")}
)

// homeZone is user u's home zone.
func homeZone(u int) zone { return homeZones[u%len(homeZones)] }

// tzChange is one entry of details.tzs: from time at on, zone z.
type tzChange struct {
	at int64
	z  zone
}

// timeIn is instant t as wall-clock time in z.
func timeIn(t int64, z zone) time.Time { return time.Unix(t, 0).In(z.loc) }
