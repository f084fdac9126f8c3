package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// The Okabe–Ito palette: told apart by readers with any common colour
// vision deficiency, and in greyscale print by lightness.
const (
	colOrange    = "#E69F00"
	colSkyBlue   = "#56B4E9"
	colGreen     = "#009E73"
	colBlue      = "#0072B2"
	colVermilion = "#D55E00"
	colPurple    = "#CC79A7"
)

// Geometry of every chart, in SVG user units (the page scales them).
const (
	chartW  = 760
	chartH  = 170
	marginL = 56
	marginR = 10
	marginT = 8
	marginB = 26
	plotW   = chartW - marginL - marginR
	plotH   = chartH - marginT - marginB
)

// chart is what every SVG builder needs: an id (for aria), the title and
// text summary (read out by screen readers, shown on the page too), and the
// x axis.
type chart struct {
	ID, Title, Desc string
	Unit            unit
	Buckets         []bucket
	// X0 and PlotW place the plot; zero means marginL and plotW.
	X0, PlotW float64
}

// x is the left edge of bucket i, and bw the width of one.
func (c chart) x(i int) (x, bw float64) {
	x0, pw := c.X0, c.PlotW
	if pw == 0 {
		x0, pw = marginL, plotW
	}
	bw = pw / float64(max(len(c.Buckets), 1))
	return x0 + float64(i)*bw, bw
}

// series is one set of values over the chart's buckets (NaN: no data).
type series struct {
	Name, Color string
	Vals        []float64
}

// svgWriter builds one SVG element as text. Numbers are written with at
// most one decimal: the page is drawn at a few hundred pixels.
type svgWriter struct{ b strings.Builder }

func (w *svgWriter) printf(format string, a ...any) { fmt.Fprintf(&w.b, format, a...) }

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func esc(s string) string { return template.HTMLEscapeString(s) }

func (w *svgWriter) open(c chart, h int) {
	w.printf(`<svg class="chart" id="%s" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		esc(c.ID), esc(c.ID), esc(c.ID), chartW, h)
	w.printf(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
}

func (w *svgWriter) close() template.HTML {
	w.b.WriteString(`</svg>`)
	return template.HTML(w.b.String()) // built from escaped text and numbers only
}

// xAxis labels the first bucket of each month (days, weeks) or year
// (months), skipping labels that would overlap.
func (w *svgWriter) xAxis(c chart, y float64) {
	x0, _ := c.x(0)
	w.printf(`<line class="axis" x1="%s" y1="%s" x2="%d" y2="%s"/>`, num(x0), num(y), chartW-marginR, num(y))
	const minGap = 56.0
	last := math.Inf(-1)
	prev := time.Time{}
	for i, b := range c.Buckets {
		t := dayTime(b.First)
		var label string
		switch {
		case c.Unit == byMonth && (i == 0 || t.Year() != prev.Year()):
			label = t.Format("2006")
		case c.Unit != byMonth && (i == 0 || t.Month() != prev.Month() || t.Year() != prev.Year()):
			label = t.Format("Jan 2006")
			if i > 0 && t.Year() == prev.Year() {
				label = t.Format("Jan")
			}
		}
		prev = t
		x, _ := c.x(i)
		// A label needs about 50 units; one that would run off the right
		// edge is left out.
		if label == "" || x-last < minGap || x+50 > chartW {
			continue
		}
		last = x
		w.printf(`<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/><text class="xl" x="%s" y="%s">%s</text>`,
			num(x), num(y), num(x), num(y+4), num(x+2), num(y+16), esc(label))
	}
}

// niceStep is a round step (1, 2 or 5 times a power of ten) that divides
// 0..top into about four intervals.
func niceStep(top float64) float64 {
	if top <= 0 || math.IsNaN(top) || math.IsInf(top, 0) {
		return 1
	}
	raw := top / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// yScale maps lo..hi onto the plot, with gridlines and labels at round
// values.
type yScale struct{ lo, hi, step float64 }

func newYScale(lo, hi float64) yScale {
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep(hi - lo)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	return yScale{lo, hi, step}
}

func (s yScale) y(v float64) float64 {
	return marginT + plotH - (v-s.lo)/(s.hi-s.lo)*plotH
}

func (w *svgWriter) yAxis(s yScale) {
	for v := s.lo; v <= s.hi+s.step/2; v += s.step {
		y := s.y(v)
		w.printf(`<line class="grid" x1="%d" y1="%s" x2="%d" y2="%s"/><text class="yl" x="%d" y="%s">%s</text>`,
			marginL, num(y), chartW-marginR, num(y), marginL-4, num(y+4), esc(shortNumber(v)))
	}
}

// extent is the smallest and largest non-NaN value, ok false if none.
func extent(vals ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range vals {
		for _, v := range vs {
			if !math.IsNaN(v) {
				lo, hi, ok = min(lo, v), max(hi, v), true
			}
		}
	}
	return lo, hi, ok
}

// barSVG draws bars from zero, the series stacked bottom to top in order.
func barSVG(c chart, ss []series) template.HTML {
	n := len(c.Buckets)
	tops := make([]float64, n)
	for _, s := range ss {
		for i, v := range s.Vals {
			if !math.IsNaN(v) {
				tops[i] += v
			}
		}
	}
	_, hi, _ := extent(tops)
	sc := newYScale(0, hi)
	var w svgWriter
	w.open(c, chartH)
	w.yAxis(sc)
	base := make([]float64, n)
	for _, s := range ss {
		w.printf(`<g class="series" fill="%s"><title>%s</title>`, s.Color, esc(s.Name))
		for i, v := range s.Vals {
			if math.IsNaN(v) || v <= 0 {
				continue
			}
			x, bw := c.x(i)
			y0, y1 := sc.y(base[i]), sc.y(base[i]+v)
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s"/>`, num(x+bw*0.1), num(y1), num(max(bw*0.8, 0.5)), num(y0-y1))
			base[i] += v
		}
		w.b.WriteString(`</g>`)
	}
	w.xAxis(c, marginT+plotH)
	return w.close()
}

// pointSVG draws one dot per bucket with a value, joined by a line where
// neighbouring buckets both have one.
func pointSVG(c chart, s series) template.HTML {
	n := len(c.Buckets)
	lo, hi, _ := extent(s.Vals)
	pad := max((hi-lo)*0.1, 1)
	bottom := lo - pad
	if lo >= 0 {
		bottom = max(bottom, 0) // no negative axis under values that cannot be
	}
	sc := newYScale(bottom, hi+pad)
	var w svgWriter
	w.open(c, chartH)
	w.yAxis(sc)
	w.printf(`<g class="series" fill="%s" stroke="%s"><title>%s</title>`, s.Color, s.Color, esc(s.Name))
	var path strings.Builder
	prev := false
	for i, v := range s.Vals {
		if math.IsNaN(v) {
			prev = false
			continue
		}
		x, bw := c.x(i)
		cmd := "L"
		if !prev {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%s %s", cmd, num(x+bw/2), num(sc.y(v)))
		prev = true
	}
	if path.Len() > 0 {
		w.printf(`<path fill="none" stroke-width="1.2" d="%s"/>`, path.String())
	}
	r := min(2.5, max(1, float64(plotW)/float64(max(n, 1))/2))
	for i, v := range s.Vals {
		if math.IsNaN(v) {
			continue
		}
		x, bw := c.x(i)
		w.printf(`<circle cx="%s" cy="%s" r="%s"/>`, num(x+bw/2), num(sc.y(v)), num(r))
	}
	w.b.WriteString(`</g>`)
	w.xAxis(c, marginT+plotH)
	return w.close()
}

// heat is the colour of a value 0..1 on a light-to-dark blue ramp: a
// single hue read by lightness, so it survives colour-blindness and
// greyscale print.
func heat(f float64) string {
	f = min(max(f, 0), 1)
	lo := [3]float64{0xDE, 0xEB, 0xF7}
	hi := [3]float64{0x08, 0x30, 0x6B}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(lo[i] + (hi[i]-lo[i])*f))
	}
	return fmt.Sprintf("#%02X%02X%02X", c[0], c[1], c[2])
}

const heatH = 24*6 + marginT + marginB

// heatSVG draws hour of day (rows, midnight at the top) by bucket
// (columns); a blank cell has no data.
func heatSVG(c chart, grid [][24]float64) template.HTML {
	var all []float64
	for i := range grid {
		all = append(all, grid[i][:]...)
	}
	_, hi, _ := extent(all)
	if hi <= 0 {
		hi = 1
	}
	var w svgWriter
	w.open(c, heatH)
	const cellH = 6.0
	for h := 0; h < 24; h += 6 {
		w.printf(`<text class="yl" x="%d" y="%s">%02d:00</text>`, marginL-4, num(marginT+float64(h)*cellH+cellH), h)
	}
	w.b.WriteString(`<g class="cells">`)
	for i := range grid {
		x, bw := c.x(i)
		for h, v := range grid[i] {
			if math.IsNaN(v) {
				continue
			}
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				num(x), num(marginT+float64(h)*cellH), num(bw+0.3), num(cellH+0.3), heat(v/hi))
		}
	}
	w.b.WriteString(`</g>`)
	w.xAxis(c, marginT+24*cellH)
	return w.close()
}

// coverRow is one table's strip: per bucket the fraction of days with rows.
type coverRow struct {
	Name string
	Frac []float64
}

const (
	coverLabelW = 130
	coverRowH   = 16
)

// coverageSVG draws one strip per table: dark where every day of a bucket
// has rows, lighter the fewer do, grey where none do. Runs of equal buckets
// are one rectangle, which keeps long ranges small.
func coverageSVG(c chart, rows []coverRow) template.HTML {
	h := marginT + len(rows)*coverRowH + marginB
	x0, x1 := float64(coverLabelW), float64(chartW-marginR)
	c.X0, c.PlotW = x0, x1-x0
	_, bw := c.x(0)
	var w svgWriter
	w.open(c, h)
	for r, row := range rows {
		y := float64(marginT + r*coverRowH)
		w.printf(`<g class="strip"><text class="tl" x="%s" y="%s">%s</text>`, num(x0-6), num(y+11), esc(row.Name))
		w.printf(`<rect class="none" x="%s" y="%s" width="%s" height="%d"/>`, num(x0), num(y+2), num(x1-x0), coverRowH-4)
		for i := 0; i < len(row.Frac); {
			j := i + 1
			for j < len(row.Frac) && row.Frac[j] == row.Frac[i] {
				j++
			}
			if f := row.Frac[i]; f > 0 {
				w.printf(`<rect x="%s" y="%s" width="%s" height="%d" fill="%s"/>`,
					num(x0+float64(i)*bw), num(y+2), num(float64(j-i)*bw+0.2), coverRowH-4, heat(0.25+0.75*f))
			}
			i = j
		}
		w.b.WriteString(`</g>`)
	}
	w.xAxis(c, float64(h-marginB))
	return w.close()
}

// shortNumber writes axis labels: 12000 as 12k, 1.5 as 1.5.
func shortNumber(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// thousands writes an integer with comma thousands separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
