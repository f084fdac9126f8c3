package export

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func TestFileStem(t *testing.T) {
	for in, want := range map[string]string{
		"moves_ticks": "moves_ticks", "../etc/passwd": "_etc_passwd", "a/b\\c": "a_b_c",
		"": "table", "...": "table", "CON": "CON_", "lpt1.x": "lpt1.x_", "com": "com",
		"tab\tle": "tab_le", "émoji🏃": "_moji_",
	} {
		if got := fileStem(in); got != want {
			t.Errorf("fileStem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSheetNames(t *testing.T) {
	for in, want := range map[string]string{
		"moves": "moves", "a:b/c\\d?e*f[g]h": "a_b_c_d_e_f_g_h", "'quoted'": "quoted", "": "Sheet",
		"history": "history_", strings.Repeat("x", 40): strings.Repeat("x", 31),
		strings.Repeat("🏃", 20): strings.Repeat("🏃", 15), // 2 UTF-16 units each
	} {
		if got := sheetName(in); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("y", 31)
	if got := sheetSuffix(long, 12); got != strings.Repeat("y", 28)+" 12" || len(utf16.Encode([]rune(got))) > 31 {
		t.Errorf("sheetSuffix = %q", got)
	}
	u := uniqueNames{"about": true}
	got := []string{u.take("About", sheetSuffix), u.take("moves", sheetSuffix), u.take("MOVES", sheetSuffix)}
	if strings.Join(got, ",") != "About 2,moves,MOVES 2" {
		t.Errorf("unique names = %q", got)
	}
}
