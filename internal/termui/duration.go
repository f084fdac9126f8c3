package termui

import (
	"fmt"
	"time"
)

// Duration says d the way people say it: "0.4 s", "42 s", "3 min 20 s",
// "3 h 12 min", "365 days". It is for reading, not parsing; a negative d is
// said as its magnitude (the caller says "ago").
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		return withRest(int(d/time.Minute), "min", int(d%time.Minute/time.Second), "s")
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		return withRest(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "min")
	default:
		return fmt.Sprintf("%d days", int((d+12*time.Hour)/(24*time.Hour)))
	}
}

func withRest(n int, unit string, rest int, restUnit string) string {
	if rest == 0 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d %s %d %s", n, unit, rest, restUnit)
}

// Until says when t comes relative to now: "in 3 h 12 min" or
// "3 h 12 min ago".
func Until(t, now time.Time) string {
	d := t.Sub(now)
	if d < 0 {
		return Duration(d) + " ago"
	}
	return "in " + Duration(d)
}
