package upserver

import (
	"fmt"
	"slices"
	"strings"
)

// knownScopes are the UP scopes (reference §2): the 2016-17 Python SDK list
// plus cardiac_read/cardiac_write from the 2014 mobile SDKs.
var knownScopes = []string{
	"basic_read", "extended_read", "location_read", "friends_read",
	"mood_read", "mood_write", "move_read", "move_write",
	"sleep_read", "sleep_write", "meal_read", "meal_write",
	"weight_read", "weight_write", "generic_event_read", "generic_event_write",
	"heartrate_read", "cardiac_read", "cardiac_write",
}

// AllScopes returns every scope the server knows, for tests and clients
// that want everything.
func AllScopes() []string { return slices.Clone(knownScopes) }

// defaultScope is granted when a request names none; the Python SDK notes
// "The API itself will do this".
const defaultScope = "basic_read"

// scopeSet is a sorted, duplicate-free list of scopes.
type scopeSet []string

// parseScopes parses an RFC 6749 §3.3 scope parameter: scope tokens
// separated by single spaces. Unknown scopes are an error, as is any
// separator other than a space (commas were never accepted).
func parseScopes(raw string) (scopeSet, error) {
	if raw == "" {
		return scopeSet{defaultScope}, nil
	}
	var out scopeSet
	for _, sc := range strings.Split(raw, " ") {
		if sc == "" {
			return nil, fmt.Errorf("scope %q has an empty token (scopes are separated by one space)", raw)
		}
		if !slices.Contains(knownScopes, sc) {
			return nil, fmt.Errorf("unknown scope %q", sc)
		}
		out = append(out, sc)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (s scopeSet) has(scope string) bool { _, ok := slices.BinarySearch(s, scope); return ok }

func (s scopeSet) String() string { return strings.Join(s, " ") }

// subsetOf reports whether every scope of s is in t.
func (s scopeSet) subsetOf(t scopeSet) bool {
	for _, sc := range s {
		if !t.has(sc) {
			return false
		}
	}
	return true
}
