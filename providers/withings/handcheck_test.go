package withings_test

import (
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/archive"
)

// This file checks the exported tables against the raw answers the export
// archived, with arithmetic of its own: the provider's decoder is not
// used.

// rawItems reads the archived items of a resource.
func rawItems(t *testing.T, dir, resource string) []map[string]json.RawMessage {
	t.Helper()
	path, err := archive.Find(filepath.Join(dir, ".raw"), resource)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]json.RawMessage
	err = archive.Each(path, func(line []byte) error {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(line, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no raw items", resource)
	}
	return out
}

// table reads a CSV table as maps from column to text.
func table(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// byHand is value x 10^unit with exact rational arithmetic, then rounded
// once to the nearest float64.
func byHand(value int64, unit int) float64 {
	r := new(big.Rat).SetInt64(value)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(unit))), nil))
	if unit < 0 {
		r.Quo(r, p)
	} else {
		r.Mul(r, p)
	}
	f, _ := r.Float64()
	return f
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

type measureKey struct {
	grpid, attrib string
	typ           int
}

// TestDecodedValuesMatchRawByHand: weights and blood pressures in measures
// and body, and sleep durations in sleep_nights and sleep_states, equal
// what the raw answers give by hand.
func TestDecodedValuesMatchRawByHand(t *testing.T) {
	t.Parallel()
	dir := demoExport(t, providerOptions(), export.CSV, nil)

	// Raw getmeas groups: every measure of type 1 (weight), 9 and 10
	// (blood pressure), by hand.
	type measure struct {
		Value int64
		Type  int
		Unit  int
	}
	want := map[measureKey][]float64{}
	units := map[int]map[int]bool{}
	for _, g := range rawItems(t, dir, "measures") {
		var ms []measure
		if err := json.Unmarshal(g["measures"], &ms); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Type != 1 && m.Type != 9 && m.Type != 10 {
				continue
			}
			k := measureKey{string(g["grpid"]), string(g["attrib"]), m.Type}
			want[k] = append(want[k], byHand(m.Value, m.Unit))
			if units[m.Type] == nil {
				units[m.Type] = map[int]bool{}
			}
			units[m.Type][m.Unit] = true
		}
	}
	// The account has the quirks that make decoding matter (§4).
	if len(units[1]) < 2 || len(units[10]) < 2 {
		t.Fatalf("the demo account lacks weights or blood pressures in several units: %v", units)
	}
	got := map[measureKey][]float64{}
	for _, r := range table(t, dir, "measures") {
		typ, _ := strconv.Atoi(r["type"])
		if typ != 1 && typ != 9 && typ != 10 {
			continue
		}
		k := measureKey{r["grpid"], r["attrib"], typ}
		got[k] = append(got[k], num(t, r["value"]))
		if name := map[int]string{1: "weight", 9: "diastolic_blood_pressure", 10: "systolic_blood_pressure"}[typ]; r["type_name"] != name {
			t.Errorf("type %d named %q", typ, r["type_name"])
		}
	}
	if len(got) != len(want) {
		t.Errorf("measures has %d weight and blood-pressure groups, the raw answers %d", len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if len(g) != len(w) {
			t.Errorf("%v: %v in measures, %v by hand", k, g, w)
			continue
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%v: %v in measures, %v by hand", k, g[i], w[i])
			}
		}
	}

	// body: one row per weighing group, weight_kg by hand from the raw
	// weighings.
	weights := map[string]float64{}
	for _, g := range rawItems(t, dir, "weighings") {
		var ms []measure
		if err := json.Unmarshal(g["measures"], &ms); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Type == 1 {
				weights[string(g["grpid"])] = byHand(m.Value, m.Unit)
			}
		}
	}
	body := table(t, dir, "body")
	if len(body) != len(weights) {
		t.Errorf("body has %d rows, the raw weighings %d", len(body), len(weights))
	}
	for _, r := range body {
		if w, ok := weights[r["grpid"]]; !ok || num(t, r["weight_kg"]) != w {
			t.Errorf("body grpid %s: weight_kg %s, by hand %v", r["grpid"], r["weight_kg"], w)
		}
	}

	// Sleep: each segment's duration, and each night's light, deep and
	// REM durations summed from the raw segments inside it.
	type segment struct{ start, end, state int64 }
	var segs []segment
	for _, s := range rawItems(t, dir, "sleep_series") {
		var v struct{ Startdate, Enddate, State int64 }
		b, _ := json.Marshal(s)
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		segs = append(segs, segment{v.Startdate, v.Enddate, v.State})
	}
	states := table(t, dir, "sleep_states")
	if len(states) != len(segs) {
		t.Fatalf("sleep_states has %d rows, the raw series %d segments", len(states), len(segs))
	}
	byStart := map[int64]segment{}
	for _, s := range segs {
		byStart[s.start] = s
	}
	for _, r := range states {
		st, err := time.Parse(time.RFC3339, r["startdate"])
		if err != nil {
			t.Fatal(err)
		}
		s := byStart[st.Unix()]
		if d := strconv.FormatInt(s.end-s.start, 10); r["duration"] != d {
			t.Errorf("segment at %s: duration %s, by hand %s", r["startdate"], r["duration"], d)
		}
	}
	nights := map[string][3]int64{} // id -> start, end, total sleep by hand
	for _, n := range rawItems(t, dir, "sleep_summary") {
		var v struct{ Startdate, Enddate int64 }
		b, _ := json.Marshal(n)
		json.Unmarshal(b, &v)
		var sleep int64
		for _, s := range segs {
			if s.start >= v.Startdate && s.end <= v.Enddate && s.state >= 1 && s.state <= 3 {
				sleep += s.end - s.start
			}
		}
		nights[string(n["id"])] = [3]int64{v.Startdate, v.Enddate, sleep}
	}
	checked := 0
	for _, r := range table(t, dir, "sleep_nights") {
		n, ok := nights[r["id"]]
		if !ok {
			t.Errorf("sleep_nights id %s is not in the raw summaries", r["id"])
			continue
		}
		if tib := strconv.FormatInt(n[1]-n[0], 10); r["total_timeinbed"] != tib {
			t.Errorf("night %s: total_timeinbed %s, by hand %s", r["id"], r["total_timeinbed"], tib)
		}
		light, deep, rem := num(t, r["lightsleepduration"]), num(t, r["deepsleepduration"]), num(t, r["remsleepduration"])
		if tst := num(t, r["total_sleep_time"]); tst != light+deep+rem || int64(tst) != n[2] {
			t.Errorf("night %s: total_sleep_time %v, light+deep+rem %v, from the raw segments by hand %d", r["id"], tst, light+deep+rem, n[2])
		}
		checked++
	}
	if checked < 300 {
		t.Errorf("only %d nights checked", checked)
	}
}
