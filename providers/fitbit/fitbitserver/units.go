package fitbitserver

import (
	"net/http"
	"strings"
)

// units is the unit system a request's Accept-Language selects (§6): en_US
// for US units, en_GB for stone, anything else (or nothing) metric.
type units int

const (
	metric units = iota
	us
	uk
)

func unitsOf(r *http.Request) units {
	tag := r.Header.Get("Accept-Language")
	if i := strings.IndexAny(tag, ",;"); i >= 0 {
		tag = tag[:i]
	}
	switch strings.ToLower(strings.TrimSpace(tag)) {
	case "en_us":
		return us
	case "en_gb":
		return uk
	}
	return metric
}

// Conversion factors from the metric values the data holds.
const (
	kmPerMile   = 1.609344
	kgPerPound  = 0.45359237
	kgPerStone  = 6.35029318
	metresPerFt = 0.3048
	cmPerInch   = 2.54
)

// distance converts kilometres: miles in the US, else kilometres.
func (u units) distance(km float64) float64 {
	if u == us {
		return km / kmPerMile
	}
	return km
}

func (u units) distanceUnit() string {
	if u == us {
		return "Mile"
	}
	return "Kilometer"
}

// elevation converts metres: feet in the US.
func (u units) elevation(m float64) float64 {
	if u == us {
		return m / metresPerFt
	}
	return m
}

// weight converts kilograms of body weight: pounds in the US, stone in
// the UK.
func (u units) weight(kg float64) float64 {
	switch u {
	case us:
		return kg / kgPerPound
	case uk:
		return kg / kgPerStone
	}
	return kg
}

// length converts centimetres (height, stride): inches in the US.
func (u units) length(cm float64) float64 {
	if u == us {
		return cm / cmPerInch
	}
	return cm
}
