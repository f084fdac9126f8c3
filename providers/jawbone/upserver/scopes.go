package upserver

import (
	"slices"
)

// knownScopes are the UP scopes (§2): the 2016-17 Python SDK list
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
