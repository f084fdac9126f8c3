package jawbone

import (
	"strings"
	"testing"
)

func TestProviderIsValid(t *testing.T) {
	if err := New().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		names []string
		ticks bool
		want  string
		err   bool
	}{
		{nil, false, "user friends moves sleeps workouts heartrates body_events cardiac_events generic_events meals mood bandevents trends goals settings timezone", false},
		{[]string{"sleeps", "moves"}, false, "moves sleeps", false},
		{[]string{"moves"}, true, "moves moves_ticks", false},
		{[]string{"moves_ticks"}, false, "moves moves_ticks", false},
		{[]string{"steps"}, false, "", true},
	}
	for _, tt := range tests {
		eps, err := New().Select(tt.names, tt.ticks)
		if (err != nil) != tt.err {
			t.Fatalf("Select(%v): %v", tt.names, err)
		}
		var got []string
		for _, e := range eps {
			got = append(got, e.Name)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Select(%v, %v) = %v", tt.names, tt.ticks, got)
		}
	}
}
