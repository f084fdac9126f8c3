package export

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// fileStem turns a table name into a safe file or directory name. Table
// names are identifiers already; this guards against path separators, dot
// names and Windows device names should one ever slip through.
func fileStem(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "table"
	}
	if len(s) > 100 {
		s = s[:100]
	}
	if isWindowsDevice(s) {
		s += "_"
	}
	return s
}

func isWindowsDevice(s string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(s), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9' {
		return true
	}
	return false
}

// uniqueNames hands out names that differ case-insensitively, because
// Windows and macOS file systems and Excel sheet names ignore case.
type uniqueNames map[string]bool

// take returns name, or name with a " 2"-style suffix (made by suffix) if it
// is taken, and reserves the result.
func (u uniqueNames) take(name string, suffix func(base string, n int) string) string {
	s := name
	for n := 2; u[strings.ToLower(s)]; n++ {
		s = suffix(name, n)
	}
	u[strings.ToLower(s)] = true
	return s
}

func underscoreSuffix(base string, n int) string { return base + "_" + strconv.Itoa(n) }

// maxSheetName is Excel's limit, counted in UTF-16 code units.
const maxSheetName = 31

// sheetName makes a valid Excel sheet name from s: no : \ / ? * [ ], not
// starting or ending with an apostrophe, at most 31 UTF-16 units, never
// Excel's reserved "History".
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return '_'
		}
		if r < 0x20 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	if s == "" {
		s = "Sheet"
	}
	if strings.EqualFold(s, "History") {
		s += "_"
	}
	return truncUTF16(s, maxSheetName)
}

// sheetSuffix names the n-th sheet of a table: "moves_ticks 2". The base is
// shortened so the suffix always fits in 31 units.
func sheetSuffix(base string, n int) string {
	suf := " " + strconv.Itoa(n)
	return truncUTF16(base, maxSheetName-len(suf)) + suf
}

// truncUTF16 cuts s to at most n UTF-16 units without splitting a rune.
func truncUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += max(utf16.RuneLen(r), 1)
		if units > n {
			return s[:i]
		}
	}
	return s
}
