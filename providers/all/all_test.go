package all

import "testing"

// TestRegistry: every built-in provider is registered once and its
// declaration is consistent.
func TestRegistry(t *testing.T) {
	r := Registry()
	if _, err := r.Lookup(Default); err != nil {
		t.Fatalf("the default provider: %v", err)
	}
	for _, p := range r.All() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if p.NewDemo == nil {
			t.Errorf("%s has no emulator: export --demo could not run it", p.Name)
		}
	}
}
