package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Quota is a number of requests allowed per fixed window, as emulators
// enforce it for the demo (--demo-quota).
type Quota struct {
	Limit  int
	Window time.Duration
}

// ParseQuota reads "N/DURATION", e.g. "150/1h" or "300/10s"; a bare unit
// means one of it ("150/h").
func ParseQuota(s string) (Quota, error) {
	n, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Quota{}, fmt.Errorf("quota %q: want requests/window, e.g. 150/1h", s)
	}
	limit, err := strconv.Atoi(n)
	if err != nil || limit < 1 {
		return Quota{}, fmt.Errorf("quota %q: %q is not a positive number of requests", s, n)
	}
	if d != "" && (d[0] < '0' || d[0] > '9') {
		d = "1" + d
	}
	w, err := time.ParseDuration(d)
	if err != nil || w <= 0 {
		return Quota{}, fmt.Errorf("quota %q: %q is not a positive duration like 1h or 10s", s, d)
	}
	return Quota{Limit: limit, Window: w}, nil
}
