package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// screen is a small terminal emulator for the end-to-end tests: it applies
// what a program wrote to a cols x rows grid the way a VT100-style terminal
// does, so a test can read what a person would see, not the bytes. It knows
// what a line-oriented program may send: printable text with auto-wrap,
// CR, LF, BS, and the CSI sequences for cursor movement (A B C D G H),
// erase (J K) and colour (m), which it ignores. Anything else is kept
// in unknown, so a test can fail on sequences the emulator does not model.
type screen struct {
	cols, rows  int
	grid        [][]rune
	x, y        int
	pendingWrap bool
	partial     []byte // the start of a sequence or character cut by a read
	unknown     []string
	scrolled    []string // lines that scrolled off the top, oldest first
}

func newScreen(cols, rows int) *screen {
	s := &screen{cols: cols, rows: rows}
	s.grid = make([][]rune, rows)
	for i := range s.grid {
		s.grid[i] = blankLine(cols)
	}
	return s
}

func blankLine(n int) []rune {
	l := make([]rune, n)
	for i := range l {
		l[i] = ' '
	}
	return l
}

func (s *screen) lineFeed() {
	if s.y == s.rows-1 {
		s.scrolled = append(s.scrolled, strings.TrimRight(string(s.grid[0]), " "))
		copy(s.grid, s.grid[1:])
		s.grid[s.rows-1] = blankLine(s.cols)
	} else {
		s.y++
	}
}

func (s *screen) write(b []byte) {
	if len(s.partial) > 0 {
		// A sequence, or a character, that the last read cut in two.
		b = append(s.partial, b...)
		s.partial = nil
	}
	for len(b) > 0 {
		switch c := b[0]; {
		case c == 0x1b:
			if incompleteEscape(b) {
				s.partial = append([]byte(nil), b...)
				return
			}
			n := s.escape(b)
			b = b[n:]
			continue
		case c == '\r':
			s.x, s.pendingWrap = 0, false
		case c == '\n':
			s.lineFeed()
			s.pendingWrap = false
		case c == '\b':
			s.x = max(s.x-1, 0)
			s.pendingWrap = false
		case c < 0x20 || c == 0x7f:
			// Other control characters (BEL, ...) draw nothing.
		default:
			if !utf8.FullRune(b) {
				s.partial = append([]byte(nil), b...)
				return
			}
			r, n := utf8.DecodeRune(b)
			if s.pendingWrap {
				s.x, s.pendingWrap = 0, false
				s.lineFeed()
			}
			s.grid[s.y][s.x] = r
			if s.x == s.cols-1 {
				s.pendingWrap = true
			} else {
				s.x++
			}
			b = b[n:]
			continue
		}
		b = b[1:]
	}
}

// escape applies one escape sequence at the start of b and returns its
// length. An incomplete sequence at the end of b is dropped.
func (s *screen) escape(b []byte) int {
	if len(b) < 2 || b[1] != '[' {
		s.unknown = append(s.unknown, strconv.Quote(string(b[:min(len(b), 2)])))
		return min(len(b), 2)
	}
	i := 2
	for i < len(b) && (b[i] < 0x40 || b[i] > 0x7e) {
		i++
	}
	if i == len(b) {
		return len(b)
	}
	params, final := string(b[2:i]), b[i]
	n := 1
	if v, err := strconv.Atoi(strings.Split(params, ";")[0]); err == nil && v > 0 {
		n = v
	}
	s.pendingWrap = false
	switch final {
	case 'A':
		s.y = max(s.y-n, 0)
	case 'B':
		s.y = min(s.y+n, s.rows-1)
	case 'C':
		s.x = min(s.x+n, s.cols-1)
	case 'D':
		s.x = max(s.x-n, 0)
	case 'G':
		s.x = min(n-1, s.cols-1)
	case 'H':
		parts := strings.Split(params, ";")
		row, col := 1, 1
		if len(parts) > 0 && parts[0] != "" {
			row, _ = strconv.Atoi(parts[0])
		}
		if len(parts) > 1 && parts[1] != "" {
			col, _ = strconv.Atoi(parts[1])
		}
		s.y, s.x = min(max(row-1, 0), s.rows-1), min(max(col-1, 0), s.cols-1)
	case 'J':
		if params == "" || params == "0" {
			s.eraseLine(s.x)
			for y := s.y + 1; y < s.rows; y++ {
				s.grid[y] = blankLine(s.cols)
			}
		} else {
			s.unknown = append(s.unknown, "CSI "+params+"J")
		}
	case 'K':
		if params == "" || params == "0" {
			s.eraseLine(s.x)
		} else {
			s.unknown = append(s.unknown, "CSI "+params+"K")
		}
	case 'm':
	default:
		s.unknown = append(s.unknown, strconv.Quote(string(b[:i+1])))
	}
	return i + 1
}

func (s *screen) eraseLine(from int) {
	for x := from; x < s.cols; x++ {
		s.grid[s.y][x] = ' '
	}
}

// lines is what the screen shows now, right-trimmed, without the empty
// lines at the bottom.
func (s *screen) lines() []string {
	out := make([]string, s.rows)
	last := -1
	for i, l := range s.grid {
		out[i] = strings.TrimRight(string(l), " ")
		if out[i] != "" {
			last = i
		}
	}
	return out[:last+1]
}

func (s *screen) String() string { return strings.Join(s.lines(), "\n") }

// history is the scrollback and the screen, as a person scrolling up sees it.
func (s *screen) history() string {
	return strings.Join(append(append([]string(nil), s.scrolled...), s.lines()...), "\n")
}

// incompleteEscape reports whether b, which starts with ESC, ends before
// its sequence does.
func incompleteEscape(b []byte) bool {
	if len(b) < 2 {
		return true
	}
	if b[1] != '[' {
		return false
	}
	for _, c := range b[2:] {
		if c >= 0x40 && c <= 0x7e {
			return false
		}
	}
	return true
}
