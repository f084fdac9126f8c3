package export

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

func TestAppendTimestampMatchesTimePackage(t *testing.T) {
	edges := []int64{0, -1, 1, 1_439_276_848_000_000, 1_439_276_848_123_456, 1_439_276_848_100_000,
		-62_135_596_800_000_000, 253_402_300_799_999_999, // 0001-01-01, 9999-12-31T23:59:59.999999
		-62_167_219_200_000_000, -62_167_219_200_000_001, 253_402_300_800_000_000, // 0000-01-01 and just outside
		math.MaxInt64, math.MinInt64 + 1}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		edges = append(edges, r.Int64N(600_000_000_000_000_000)-300_000_000_000_000_000)
	}
	for _, us := range edges {
		want := schema.TimeFromMicros(us).Format(time.RFC3339Nano)
		if got := string(appendTimestamp(nil, us)); got != want {
			t.Fatalf("appendTimestamp(%d) = %s, want %s", us, got, want)
		}
	}
}

func TestAppendDateMatchesTimePackage(t *testing.T) {
	for d := int64(minCivilDay - 400); d <= maxCivilDay+400; d += 37 {
		want := schema.DateFromDays(d).Format(time.DateOnly)
		if got := string(appendDate(nil, d)); got != want {
			t.Fatalf("appendDate(%d) = %s, want %s", d, got, want)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {12, "12.0"}, {-3.5, "-3.5"}, {0.1, "0.1"},
		{0.30000000000000004, "0.30000000000000004"}, {1e-6, "0.000001"}, {1e-7, "1e-07"},
		{1e20, "100000000000000000000.0"}, {1e21, "1e+21"}, {123456789.125, "123456789.125"},
		{math.NaN(), "NaN"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
	} {
		if got := string(appendFloat(nil, tc.f)); got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(appendFloat(nil, f))
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != f || !strings.ContainsAny(s, ".e") {
			t.Fatalf("appendFloat(%v) = %q does not round-trip as a float", f, s)
		}
	}
}
