package withings

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestTokenResponse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantStatus int
		want       map[string]any
	}{
		{"success unwrapped", `{"status":0,"body":{"userid":363,"access_token":"a","refresh_token":"r","expires_in":10800,"scope":"user.info,user.metrics","csrf_token":"c","token_type":"Bearer"}}`,
			200, map[string]any{"userid": "363", "user_id": "363", "access_token": "a", "refresh_token": "r", "expires_in": 10800.0, "scope": "user.info user.metrics", "csrf_token": "c", "token_type": "Bearer"}},
		{"userid as text, no token_type", `{"status":0,"body":{"userid":"363","access_token":"a","expires_in":10800,"scope":"user.info"}}`,
			200, map[string]any{"userid": "363", "user_id": "363", "access_token": "a", "expires_in": 10800.0, "scope": "user.info", "token_type": "Bearer"}},
		{"bad code", `{"status":503,"error":"Invalid Params: invalid code"}`,
			400, map[string]any{"error": "invalid_grant", "error_description": "Withings status 503: Invalid Params: invalid code"}},
		{"rate limited", `{"status":601,"body":{"wait_seconds":188},"error":"Same arguments in less than 10 seconds"}`,
			429, map[string]any{"error": "slow_down", "error_description": "Withings status 601: Same arguments in less than 10 seconds"}},
		{"bad refresh token", `{"status":401,"body":{},"error":"invalid refresh_token"}`,
			400, map[string]any{"error": "invalid_grant", "error_description": "Withings status 401: invalid refresh_token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := tokenResponse(http.StatusOK, []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %d %v, want %d %v", status, got, tt.wantStatus, tt.want)
			}
		})
	}
	if _, _, err := tokenResponse(http.StatusOK, []byte(`<html>`)); err == nil {
		t.Error("a non-JSON answer was taken")
	}
	if s, b, err := tokenResponse(http.StatusBadGateway, []byte(`<html>`)); err != nil || s != 502 || string(b) != `<html>` {
		t.Errorf("a proxy's 502 became %d %q %v", s, b, err)
	}
}

func TestRejectsToken(t *testing.T) {
	for body, want := range map[string]bool{
		`{"status":401,"error":"invalid_token"}`: true,
		`{"status":100}`:                         true,
		`{"status":0,"body":{}}`:                 false,
		`{"status":601}`:                         false,
		`{"status":2555}`:                        false,
		`not json`:                               false,
	} {
		if got := rejectsToken([]byte(body)); got != want {
			t.Errorf("rejectsToken(%s) = %v", body, got)
		}
	}
}

func TestPrepareGroup(t *testing.T) {
	in := `{"grpid":5149666502,"attrib":2,"date":1711000000,"category":1,"deviceid":null,"timezone":"Europe/Paris",` +
		`"measures":[{"value":65750,"type":1,"unit":-3},{"value":10600,"type":10,"unit":-2},{"value":109,"type":9,"unit":0},` +
		`{"value":12,"type":999,"unit":1},{"value":0,"type":8,"unit":-2},{"value":3120,"type":173,"unit":-2,"position":12}]}`
	out, err := prepareGroup([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		LocalDate    int64 `json:"local_date"`
		MeasureCount int   `json:"measure_count"`
		Measures     []struct {
			Type         int
			TypeName     string `json:"type_name"`
			Unit         string
			Value        float64
			RawValue     int64  `json:"raw_value"`
			Exp          int    `json:"unit_exponent"`
			PositionName string `json:"position_name"`
			Grpid        int64
		}
	}
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatal(err)
	}
	if g.LocalDate != 20240321 || g.MeasureCount != 6 || len(g.Measures) != 6 {
		t.Fatalf("group: %s", out)
	}
	want := []struct {
		name, unit string
		value      float64
	}{{"weight", "kg", 65.75}, {"systolic_blood_pressure", "mmHg", 106}, {"diastolic_blood_pressure", "mmHg", 109},
		{"type_999", "", 120}, {"fat_mass_weight", "kg", 0}, {"fat_free_mass_segment", "kg", 31.2}}
	for i, w := range want {
		m := g.Measures[i]
		if m.TypeName != w.name || m.Unit != w.unit || m.Value != w.value || m.Grpid != 5149666502 {
			t.Errorf("measure %d: %+v, want %+v", i, m, w)
		}
	}
	if g.Measures[5].PositionName != "torso" {
		t.Errorf("position: %q", g.Measures[5].PositionName)
	}
}

func TestPrepareWeighing(t *testing.T) {
	in := `{"grpid":7,"attrib":0,"date":1711000000,"timezone":"Europe/Paris","measures":[{"value":76106,"type":1,"unit":-3},` +
		`{"value":21035,"type":6,"unit":-3},{"value":1601,"type":8,"unit":-2,"position":7},{"value":1601,"type":8,"unit":-2,"position":7},` +
		`{"value":900,"type":174,"unit":-2,"position":10},{"value":500,"type":8,"unit":-2,"position":3}]}`
	out, err := prepareWeighing([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(out, &got)
	if got["weight_kg"] != 76.106 || got["fat_ratio_pct"] != 21.035 || got["fat_mass_weight_kg"] != 16.01 || got["local_date"] != 20240321.0 {
		t.Errorf("weighing: %s", out)
	}
	if strings.Contains(string(out), "segment") {
		t.Errorf("a segment reached the wide row: %s", out)
	}
	for item, want := range map[string]bool{
		`{"attrib":0,"measures":[{"type":1}]}`: true,
		`{"attrib":8,"measures":[{"type":1}]}`: false,
		`{"attrib":0,"measures":[{"type":6}]}`: false,
	} {
		if isWeighing(json.RawMessage(item)) != want {
			t.Errorf("isWeighing(%s) != %v", item, want)
		}
	}
}

func TestPrepareSegment(t *testing.T) {
	in := `{"startdate":1618876324,"enddate":1618876444,"state":3,"model":"Aura Sensor V2","hr":{"1618876384":54,"1618876324":55},` +
		`"rr":{"1618876324":14},"snoring":{"1618876384":0},"sdnn_1":{"1618876324":40}}`
	out, err := prepareSegment([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Duration  int64
		StateName string `json:"state_name"`
		Vitals    []map[string]float64
		HR        any `json:"hr"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]float64{
		{"timestamp": 1618876324, "segment_start": 1618876324, "heart_rate": 55, "respiration_rate": 14, "sdnn_1": 40},
		{"timestamp": 1618876384, "segment_start": 1618876324, "heart_rate": 54, "snoring": 0},
	}
	if got.Duration != 120 || got.StateName != "rem" || got.HR != nil || !reflect.DeepEqual(got.Vitals, want) {
		t.Errorf("segment: %s", out)
	}
}

// FuzzPrepare: the Prepare hooks take any bytes without panicking, and
// what they accept comes out as a JSON object.
func FuzzPrepare(f *testing.F) {
	f.Add([]byte(`{"grpid":1,"attrib":0,"date":1,"timezone":"Europe/Paris","measures":[{"value":1,"type":1,"unit":-3}]}`))
	f.Add([]byte(`{"startdate":1,"enddate":61,"state":1,"hr":{"1":50}}`))
	f.Add([]byte(`{"date":"2024-01-02"}`))
	f.Add([]byte(`{"measures":[{"value":1,"type":1,"unit":400}]}`))
	f.Fuzz(func(t *testing.T, item []byte) {
		for _, prep := range []func([]byte) ([]byte, error){prepareGroup, prepareWeighing, prepareSegment, prepareDated} {
			out, err := prep(item)
			if err != nil {
				continue
			}
			var m map[string]json.RawMessage
			if json.Unmarshal(out, &m) != nil {
				t.Fatalf("%s became %s, not an object", item, out)
			}
		}
	})
}

// FuzzTokenResponse: any answer of the token endpoint is rewritten or
// refused, never a panic, and a rewritten 200 is an RFC 6749 object.
func FuzzTokenResponse(f *testing.F) {
	f.Add([]byte(`{"status":0,"body":{"access_token":"a","scope":"x,y"}}`))
	f.Add([]byte(`{"status":601,"body":{"wait_seconds":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		status, out, err := tokenResponse(http.StatusOK, body)
		if err != nil || status != http.StatusOK {
			return
		}
		var m map[string]any
		if json.Unmarshal(out, &m) != nil || m["token_type"] == nil {
			t.Fatalf("%s became %s", body, out)
		}
	})
}
