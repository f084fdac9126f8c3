package oauthserver

import (
	"fmt"
	"slices"
	"strings"
)

// Scopes is a sorted, duplicate-free list of scopes.
type Scopes []string

// Has reports whether scope is in s.
func (s Scopes) Has(scope string) bool { _, ok := slices.BinarySearch(s, scope); return ok }

// SubsetOf reports whether every scope of s is in t.
func (s Scopes) SubsetOf(t Scopes) bool {
	for _, sc := range s {
		if !t.Has(sc) {
			return false
		}
	}
	return true
}

func joinScopes(s []string, sep string) string { return strings.Join(s, sep) }

// parseScopes parses a scope parameter: scope tokens separated by the
// configured separator, one at a time (RFC 6749 section 3.3 with a space).
// Unknown scopes are an error, as is any other separator. No scope at all
// is the default scopes.
func (s *Server) parseScopes(raw string) (Scopes, error) {
	if raw == "" {
		out := slices.Clone(s.cfg.DefaultScopes)
		slices.Sort(out)
		return slices.Compact(Scopes(out)), nil
	}
	var out Scopes
	for _, sc := range strings.Split(raw, s.cfg.ScopeSeparator) {
		if sc == "" {
			return nil, fmt.Errorf("scope %q has an empty token (scopes are separated by one %s)", raw, separatorName(s.cfg.ScopeSeparator))
		}
		if !s.known[sc] {
			return nil, fmt.Errorf("unknown scope %q", sc)
		}
		out = append(out, sc)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func separatorName(sep string) string {
	switch sep {
	case " ":
		return "space"
	case ",":
		return "comma"
	}
	return fmt.Sprintf("%q", sep)
}

// scopeString joins scopes with the configured separator.
func (s *Server) scopeString(sc Scopes) string { return joinScopes(sc, s.cfg.ScopeSeparator) }
