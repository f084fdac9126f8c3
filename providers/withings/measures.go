package withings

import (
	"fmt"
	"strconv"
	"strings"
)

// MeasureType is a getmeas type: its name and unit (§4, "Measure types").
type MeasureType struct {
	Type int
	Name string // snake case, as in the measures table
	Unit string // "" when the sources give none
}

// measureTypes is the table of §4; ECG intervals, nerve health and
// electrodermal scores have no documented unit.
var measureTypes = []MeasureType{
	{1, "weight", "kg"},
	{4, "height", "m"},
	{5, "fat_free_mass", "kg"},
	{6, "fat_ratio", "%"},
	{8, "fat_mass_weight", "kg"},
	{9, "diastolic_blood_pressure", "mmHg"},
	{10, "systolic_blood_pressure", "mmHg"},
	{11, "heart_pulse", "bpm"},
	{12, "temperature", "°C"},
	{54, "spo2", "%"},
	{71, "body_temperature", "°C"},
	{73, "skin_temperature", "°C"},
	{76, "muscle_mass", "kg"},
	{77, "hydration", "kg"},
	{88, "bone_mass", "kg"},
	{91, "pulse_wave_velocity", "m/s"},
	{123, "vo2_max", "ml/min/kg"},
	{130, "afib_result_ecg", ""},
	{135, "qrs_interval_ecg", ""},
	{136, "pr_interval_ecg", ""},
	{137, "qt_interval_ecg", ""},
	{138, "qtc_interval_ecg", ""},
	{139, "afib_result_ppg", ""},
	{155, "vascular_age", "years"},
	{158, "nerve_health_score_left_foot", ""},
	{159, "nerve_health_score_right_foot", ""},
	{167, "nerve_health_score_feet", ""},
	{168, "extracellular_water", "kg"},
	{169, "intracellular_water", "kg"},
	{170, "visceral_fat", ""},
	{173, "fat_free_mass_segment", "kg"},
	{174, "fat_mass_segment", "kg"},
	{175, "muscle_mass_segment", "kg"},
	{196, "electrodermal_activity_feet", ""},
	{197, "electrodermal_activity_left_foot", ""},
	{198, "electrodermal_activity_right_foot", ""},
	{226, "basal_metabolic_rate", "kcal/day"},
	{227, "metabolic_age", "years"},
	{229, "electrochemical_skin_conductance", ""},
}

// MeasureTypes returns the known measure types, by type number.
func MeasureTypes() []MeasureType { return append([]MeasureType(nil), measureTypes...) }

var typeByNumber = func() map[int]MeasureType {
	m := map[int]MeasureType{}
	for _, t := range measureTypes {
		m[t.Type] = t
	}
	return m
}()

// typeOf names a type; an unknown one is "type_<n>" without a unit, so it
// is exported rather than dropped.
func typeOf(n int) MeasureType {
	if t, ok := typeByNumber[n]; ok {
		return t
	}
	return MeasureType{Type: n, Name: fmt.Sprintf("type_%d", n)}
}

// bodyTypes are the types a scale weighs in one group: the columns of the
// wide body table, and the meastypes its resource asks for.
var bodyTypes = []int{1, 4, 5, 6, 8, 76, 77, 88, 168, 169, 170, 226, 227}

// segmented are the per-segment types (one value per position), which the
// wide body table leaves to the measures table.
func segmented(n int) bool { return n == 173 || n == 174 || n == 175 }

// bodyColumn is the body table's column of a type: its name with its unit
// ("weight_kg", "fat_ratio_pct").
func bodyColumn(t MeasureType) string {
	u := map[string]string{"%": "pct", "°C": "c", "m/s": "m_s", "ml/min/kg": "ml_min_kg", "kcal/day": "kcal_day", "mmHg": "mmhg"}[t.Unit]
	if u == "" {
		u = t.Unit
	}
	if u == "" {
		return t.Name
	}
	return t.Name + "_" + u
}

// decode is value x 10^unit (§4) as the float64 nearest the exact decimal,
// which value * math.Pow10(unit) is not always (65750 * 0.001).
func decode(value int64, unit int) (float64, error) {
	if unit < -30 || unit > 30 {
		return 0, fmt.Errorf("unit exponent %d out of range", unit)
	}
	return strconv.ParseFloat(strconv.FormatInt(value, 10)+"e"+strconv.Itoa(unit), 64)
}

// positions name the body part of a measure (§4); 7 is undocumented and
// named "whole body" by a client.
var positions = map[int]string{
	0: "right wrist", 1: "left wrist", 2: "right arm", 3: "left arm", 4: "right foot", 5: "left foot",
	6: "between legs", 7: "whole body", 8: "left part of body", 9: "right part of body", 10: "left leg",
	11: "right leg", 12: "torso", 13: "left hand", 14: "right hand", 28: "wide mode", 29: "between arms",
	30: "hold right", 31: "hold left",
}

func positionName(p int) string {
	if n, ok := positions[p]; ok {
		return n
	}
	if p >= 15 && p <= 27 {
		return "stethoscope area"
	}
	return strconv.Itoa(p)
}

// sleepStates name the states of sleep get (§4); others keep their number.
func sleepState(s int64) string {
	switch s {
	case 0:
		return "awake"
	case 1:
		return "light"
	case 2:
		return "deep"
	case 3:
		return "rem"
	case 4:
		return "manual"
	case 5:
		return "unspecified"
	case 15:
		return "out_of_bed"
	}
	return strconv.FormatInt(s, 10)
}

// typeDoc lists the types for the data dictionary.
func typeDoc() string {
	var b strings.Builder
	for i, t := range measureTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", t.Type, t.Name)
	}
	return b.String()
}
