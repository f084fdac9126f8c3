package report

import (
	"encoding/xml"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// svgElem is the parsed SVG: every element with its attributes and text.
type svgElem struct {
	Name  string
	Attr  map[string]string
	Text  string
	Class string // of the enclosing element with a class or fill, for series
}

// parseSVG checks that s is well-formed XML with one svg root, and lists
// its elements.
func parseSVG(t *testing.T, s template.HTML) []svgElem {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(s)))
	var out []svgElem
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 && tok.Name.Local != "svg" {
				t.Fatalf("root is %s, not svg", tok.Name.Local)
			}
			depth++
			e := svgElem{Name: tok.Name.Local, Attr: map[string]string{}}
			for _, a := range tok.Attr {
				e.Attr[a.Name.Local] = a.Value
			}
			out = append(out, e)
		case xml.EndElement:
			depth--
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].Text += string(tok)
			}
		}
	}
	if depth != 0 || len(out) == 0 {
		t.Fatalf("unbalanced or empty: %s", s)
	}
	return out
}

func count(es []svgElem, name string, keep func(svgElem) bool) int {
	n := 0
	for _, e := range es {
		if e.Name == name && (keep == nil || keep(e)) {
			n++
		}
	}
	return n
}

func attrF(t *testing.T, e svgElem, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.Attr[name], 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", e.Name, name, e.Attr[name], err)
	}
	return v
}

// accessible checks the svg's role, title and description.
func accessible(t *testing.T, es []svgElem, c chart) {
	t.Helper()
	root := es[0]
	if root.Attr["role"] != "img" || root.Attr["aria-labelledby"] != c.ID+"-t "+c.ID+"-d" || root.Attr["id"] != c.ID {
		t.Errorf("svg attributes %v", root.Attr)
	}
	if es[1].Name != "title" || es[1].Text != c.Title || es[2].Name != "desc" || es[2].Text != c.Desc {
		t.Errorf("title %q, desc %q", es[1].Text, es[2].Text)
	}
}

func dataRects(e svgElem) bool { return e.Attr["class"] == "" }

func TestBarSVG(t *testing.T) {
	nan := math.NaN()
	bs := buckets(d(2015, 1, 1), d(2015, 1, 4), byDay)
	for _, tc := range []struct {
		name  string
		ss    []series
		rects int
	}{
		{"one series with a gap and a zero", []series{{Name: "steps", Color: colBlue, Vals: []float64{100, nan, 0, 400}}}, 2},
		{"stacked", []series{{Name: "a", Color: colBlue, Vals: []float64{1, 2, 3, 4}}, {Name: "b", Color: colOrange, Vals: []float64{1, nan, 1, 1}}}, 7},
		{"all empty", []series{{Name: "x", Color: colBlue, Vals: []float64{nan, nan, nan, nan}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := chart{ID: "c1", Title: `Steps <per> day & "night"`, Desc: "A summary.", Unit: byDay, Buckets: bs}
			es := parseSVG(t, barSVG(c, tc.ss))
			accessible(t, es, c)
			if got := count(es, "rect", dataRects); got != tc.rects {
				t.Errorf("%d bars, want %d", got, tc.rects)
			}
		})
	}
	// Heights are proportional to the values: 400 is four times 100, and the
	// bars stand on the same baseline.
	c := chart{ID: "c2", Title: "t", Desc: "d", Unit: byDay, Buckets: bs}
	es := parseSVG(t, barSVG(c, []series{{Name: "s", Color: colBlue, Vals: []float64{100, nan, nan, 400}}}))
	var hs, bottoms []float64
	for _, e := range es {
		if e.Name == "rect" {
			hs = append(hs, attrF(t, e, "height"))
			bottoms = append(bottoms, attrF(t, e, "y")+attrF(t, e, "height"))
		}
	}
	if len(hs) != 2 || math.Abs(hs[1]-4*hs[0]) > 0.3 || math.Abs(bottoms[0]-bottoms[1]) > 0.2 {
		t.Errorf("heights %v, bottoms %v", hs, bottoms)
	}
	if bottoms[0] != marginT+plotH {
		t.Errorf("bars stand at %v, want the x axis at %v", bottoms[0], marginT+plotH)
	}
}

func TestPointSVG(t *testing.T) {
	nan := math.NaN()
	bs := buckets(d(2015, 1, 1), d(2015, 1, 5), byDay)
	c := chart{ID: "hr", Title: "Resting heart rate", Desc: "d", Unit: byDay, Buckets: bs}
	es := parseSVG(t, pointSVG(c, series{Name: "hr", Color: colVermilion, Vals: []float64{60, 62, nan, 58, 59}}))
	accessible(t, es, c)
	if got := count(es, "circle", nil); got != 4 {
		t.Errorf("%d dots, want 4", got)
	}
	// The line breaks at the gap: two runs, each starting with M.
	for _, e := range es {
		if e.Name == "path" && strings.Count(e.Attr["d"], "M") != 2 {
			t.Errorf("path %q, want two runs", e.Attr["d"])
		}
	}
	// Higher values are drawn higher (smaller y).
	var ys []float64
	for _, e := range es {
		if e.Name == "circle" {
			ys = append(ys, attrF(t, e, "cy"))
		}
	}
	if !(ys[1] < ys[0] && ys[0] < ys[3] && ys[3] < ys[2]) {
		t.Errorf("dot heights %v do not follow 60, 62, 58, 59", ys)
	}
	// A zero among positive values does not put a negative label on the axis.
	es = parseSVG(t, pointSVG(c, series{Name: "hr", Color: colVermilion, Vals: []float64{60, 0, 70, 65, 66}}))
	for _, e := range es {
		if e.Name == "text" && strings.HasPrefix(e.Text, "-") {
			t.Errorf("axis label %q under values that are all >= 0", e.Text)
		}
	}
}

func TestHeatSVG(t *testing.T) {
	bs := buckets(d(2015, 1, 1), d(2015, 1, 3), byDay)
	grid := make([][24]float64, 3)
	for h := range 24 {
		grid[0][h] = float64(h)
		grid[1][h] = math.NaN()
		grid[2][h] = 0
	}
	c := chart{ID: "hm", Title: "Steps by hour", Desc: "d", Unit: byDay, Buckets: bs}
	es := parseSVG(t, heatSVG(c, grid))
	accessible(t, es, c)
	if got := count(es, "rect", nil); got != 48 {
		t.Errorf("%d cells, want 48 (a column without data draws none)", got)
	}
	fills := map[string]bool{}
	for _, e := range es {
		if e.Name == "rect" {
			fills[e.Attr["fill"]] = true
		}
	}
	if !fills[heat(1)] || !fills[heat(0)] {
		t.Errorf("the largest value is not the darkest colour, or zero not the lightest: %v", fills)
	}
	if got := count(es, "text", func(e svgElem) bool { return strings.HasSuffix(e.Text, ":00") }); got != 4 {
		t.Errorf("%d hour labels, want 4", got)
	}
}

func TestCoverageSVG(t *testing.T) {
	bs := buckets(d(2015, 1, 1), d(2015, 1, 6), byDay)
	rows := []coverRow{
		{Name: "moves", Frac: []float64{1, 1, 1, 0, 1, 1}},
		{Name: "sleeps & naps", Frac: []float64{0, 0, 0, 0, 0, 0}},
		{Name: "weekly", Frac: []float64{0.5, 0.25, 0.25, 1, 1, 1}},
	}
	c := chart{ID: "coverage", Title: "Coverage", Desc: "d", Unit: byDay, Buckets: bs}
	es := parseSVG(t, coverageSVG(c, rows))
	accessible(t, es, c)
	// Runs of equal cells are one rectangle: moves 2, sleeps 0, weekly 3.
	if got := count(es, "rect", dataRects); got != 5 {
		t.Errorf("%d filled runs, want 5", got)
	}
	if got := count(es, "rect", func(e svgElem) bool { return e.Attr["class"] == "none" }); got != 3 {
		t.Errorf("%d strip backgrounds, want 3", got)
	}
	var labels []string
	for _, e := range es {
		if e.Name == "text" && e.Attr["class"] == "tl" {
			labels = append(labels, e.Text)
		}
	}
	if strings.Join(labels, "|") != "moves|sleeps & naps|weekly" {
		t.Errorf("labels %q", labels)
	}
}

func TestXAxisLabels(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, last int64
		u           unit
		want        []string
	}{
		{"days over a new year", d(2015, 12, 20), d(2016, 2, 10), byDay, []string{"Dec 2015", "Jan 2016", "Feb"}},
		{"months over years", d(2014, 6, 1), d(2017, 2, 1), byMonth, []string{"2014", "2015", "2016", "2017"}},
		// 2016 starts three buckets from the right edge: its label would be cut.
		{"the last label fits", d(2006, 3, 20), d(2016, 3, 16), byMonth,
			[]string{"2006", "2007", "2008", "2009", "2010", "2011", "2012", "2013", "2014", "2015"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := chart{ID: "x", Title: "t", Desc: "d", Unit: tc.u, Buckets: buckets(tc.first, tc.last, tc.u)}
			es := parseSVG(t, barSVG(c, nil))
			var got []string
			for _, e := range es {
				if e.Name == "text" && e.Attr["class"] == "xl" {
					got = append(got, e.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ top, want float64 }{
		{28000, 10000}, {20000, 5000}, {10, 5}, {4, 1}, {0.8, 0.2}, {0, 1}, {math.NaN(), 1},
	} {
		if got := niceStep(tc.top); got != tc.want {
			t.Errorf("niceStep(%v) = %v, want %v", tc.top, got, tc.want)
		}
	}
}

func TestShortNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{0, "0"}, {2.5, "2.5"}, {0.125, "0.13"}, {5000, "5k"}, {12500, "12.5k"}, {2e6, "2M"}, {-3000, "-3k"}} {
		if got := shortNumber(tc.v); got != tc.want {
			t.Errorf("shortNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1192549, "1,192,549"}, {-12345, "-12,345"}} {
		if got := thousands(tc.n); got != tc.want {
			t.Errorf("thousands(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestHeatRamp(t *testing.T) {
	// Lightness falls as the value rises, so order survives greyscale and
	// colour-blind reading.
	lum := func(c string) float64 {
		r, _ := strconv.ParseUint(c[1:3], 16, 8)
		g, _ := strconv.ParseUint(c[3:5], 16, 8)
		b, _ := strconv.ParseUint(c[5:7], 16, 8)
		return 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)
	}
	prev := math.Inf(1)
	for f := 0.0; f <= 1; f += 0.125 {
		l := lum(heat(f))
		if l >= prev {
			t.Errorf("heat(%v) = %s is not darker than the step before", f, heat(f))
		}
		prev = l
	}
	if heat(-1) != heat(0) || heat(2) != heat(1) {
		t.Error("heat does not clamp")
	}
}
