package declarative

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/upexport/upexport/provider"
)

// A path is a dotted list of object keys ("meta.user.id"); a key made of
// digits also indexes an array ("tags.0").
func checkPath(p string) error {
	if p == "" {
		return nil
	}
	for _, seg := range strings.Split(p, ".") {
		if seg == "" {
			return fmt.Errorf("path %q has an empty key: keys are separated by one dot", p)
		}
		if strings.ContainsAny(seg, "[]*{} \t") {
			return fmt.Errorf("path %q: a key of a path is a plain object key (no [], * or {})", p)
		}
	}
	return nil
}

// pathReader reads the values at a few paths of a JSON object. It is
// compiled once per resource and parses with fastjson's pooled parsers,
// so reading an item's keys allocates little; it is safe for concurrent
// use.
type pathReader struct {
	paths [][]string // nil for a path not given
	pool  fastjson.ParserPool
}

func compilePaths(paths ...string) (*pathReader, error) {
	r := &pathReader{paths: make([][]string, len(paths))}
	for i, p := range paths {
		if p == "" {
			continue
		}
		if err := checkPath(p); err != nil {
			return nil, err
		}
		r.paths[i] = strings.Split(p, ".")
	}
	return r, nil
}

// fieldValue is the value at one path of an item; v is nil when the item
// has none there. It is valid only inside read's callback.
type fieldValue struct{ v *fastjson.Value }

// read parses raw, which must be a JSON object, and calls fn with the
// value at each path.
func (r *pathReader) read(raw []byte, fn func([]fieldValue) error) error {
	p := r.pool.Get()
	defer r.pool.Put(p)
	v, err := p.ParseBytes(raw)
	if err != nil {
		return fmt.Errorf("item is not JSON: %w", err)
	}
	if v.Type() != fastjson.TypeObject {
		return fmt.Errorf("item is %s, not a JSON object", v.Type())
	}
	vals := make([]fieldValue, len(r.paths))
	for i, path := range r.paths {
		if path != nil {
			vals[i].v = v.Get(path...)
		}
	}
	return fn(vals)
}

// text is a string's text or a number's; "" for anything else.
func (f fieldValue) text() string {
	if f.v == nil {
		return ""
	}
	switch f.v.Type() {
	case fastjson.TypeString:
		return string(f.v.GetStringBytes())
	case fastjson.TypeNumber:
		return string(f.v.MarshalTo(nil))
	}
	return ""
}

// timeFormat is how a time is written in an item or a query parameter.
type timeFormat struct {
	name   string
	layout string // Go layout of a text form; "" for the numbers
	unit   int64  // numbers: units per second (1 or 1000)
}

var timeFormats = map[string]timeFormat{
	"unix":     {name: "unix", unit: 1},
	"unix_ms":  {name: "unix_ms", unit: 1000},
	"rfc3339":  {name: "rfc3339", layout: time.RFC3339},
	"date":     {name: "date", layout: time.DateOnly},
	"yyyymmdd": {name: "yyyymmdd", layout: "20060102"},
}

func formatNames() string {
	var n []string
	for k := range timeFormats {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}

// isDay reports whether the format is a calendar day rather than an
// instant.
func (f timeFormat) isDay() bool { return f.name == "date" || f.name == "yyyymmdd" }

// format writes t (in UTC) as a query parameter.
func (f timeFormat) format(t time.Time) string {
	t = t.UTC()
	switch f.name {
	case "unix":
		return strconv.FormatInt(t.Unix(), 10)
	case "unix_ms":
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return t.Format(f.layout)
}

// maxUnix bounds the numbers read as times: beyond it a float loses
// whole seconds, and the year is past any data.
const maxUnix = 1 << 50

// parse reads a time from an item's value: ok is false when there is
// none (absent, null or "").
func (f timeFormat) parse(fv fieldValue) (t time.Time, ok bool, err error) {
	v := fv.v
	if v == nil || v.Type() == fastjson.TypeNull {
		return time.Time{}, false, nil
	}
	s := fv.text()
	if s == "" {
		if v.Type() == fastjson.TypeString {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, fmt.Errorf("%s is not a %s time", v.Type(), f.name)
	}
	switch f.name {
	case "unix", "unix_ms":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) || math.Abs(n) > maxUnix {
			return time.Time{}, false, fmt.Errorf("%q is not a %s time", s, f.name)
		}
		ms := int64(n * 1000 / float64(f.unit))
		return time.UnixMilli(ms).UTC(), true, nil
	}
	t, err = time.Parse(f.layout, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a %s time", s, f.name)
	}
	return t.UTC(), true, nil
}

func yyyymmdd(t time.Time) int64 {
	return int64(t.Year())*10000 + int64(t.Month())*100 + int64(t.Day())
}

// keys compiles what a resource's items are known and ordered by.
func (l *loader) itemKeys(s keysSpec, at string) (func(json.RawMessage) (provider.Keys, error), error) {
	type timeKey struct {
		name string
		spec *timeKeySpec
		f    timeFormat
	}
	var tks []timeKey
	paths := []string{s.ID, s.Key}
	for _, k := range []struct {
		name string
		spec *timeKeySpec
	}{{"time", s.Time}, {"updated", s.Updated}, {"day", s.Day}} {
		if k.spec == nil {
			paths = append(paths, "")
			tks = append(tks, timeKey{name: k.name})
			continue
		}
		if k.spec.Path == "" {
			return nil, l.errorf(at+"."+k.name+".path", "missing: where the time is in the item")
		}
		f, err := l.format(at+"."+k.name+".format", k.spec.Format)
		if err != nil {
			return nil, err
		}
		paths = append(paths, k.spec.Path)
		tks = append(tks, timeKey{name: k.name, spec: k.spec, f: f})
	}
	for i, key := range []string{"id", "key", "time.path", "updated.path", "day.path"} {
		if err := checkPath(paths[i]); err != nil {
			return nil, l.errorf(at+"."+key, "%v", err)
		}
	}
	r, err := compilePaths(paths...)
	if err != nil {
		return nil, l.errorf(at, "%v", err)
	}
	return func(raw json.RawMessage) (provider.Keys, error) {
		var k provider.Keys
		err := r.read(raw, func(v []fieldValue) error {
			k.ID, k.Key = v[0].text(), v[1].text()
			var errs []error
			for i, tk := range tks {
				if tk.spec == nil {
					continue
				}
				t, ok, err := tk.f.parse(v[2+i])
				if err != nil {
					errs = append(errs, fmt.Errorf("%s (%s): %w", tk.spec.Path, tk.name, err))
					continue
				}
				if !ok {
					continue
				}
				switch {
				case tk.name == "day" || (tk.name == "time" && tk.f.isDay()):
					n := yyyymmdd(t)
					if tk.name == "day" {
						k.Day = n
					} else {
						k.Time = n
					}
				case tk.name == "time":
					k.Time = t.Unix()
				default:
					k.Updated = t.Unix()
				}
			}
			return errors.Join(errs...)
		})
		return k, err
	}, nil
}
