package fetch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// pathDecoder reads the values at a few dotted paths ("links.next",
// "meta.user_xid") out of a JSON object in one pass. It builds, once, a
// struct type whose json tags mirror the paths, so encoding/json skips
// everything else without copying it; decoding into a map and then into
// the value would scan every item of a page twice.
type pathDecoder struct {
	paths []string // read by the struct
	typ   reflect.Type
	index [][]int // per path, the field index chain in typ
	// all are the paths asked for, in order; inner reads those inside
	// another path's value, by that path.
	all   []string
	inner map[string]*pathDecoder
}

var rawType = reflect.TypeFor[json.RawMessage]()

// newPathDecoder returns a decoder for paths. An empty path is the whole
// value. A path inside another's value ("body" and "body.userid") is read
// from that value by a second decoder.
func newPathDecoder(paths ...string) (*pathDecoder, error) {
	var top []string
	inner := map[string][]string{}
	for _, p := range paths {
		outer := ""
		for _, q := range paths {
			if q != "" && strings.HasPrefix(p, q+".") && (outer == "" || len(q) < len(outer)) {
				outer = q
			}
		}
		if outer == "" {
			if !slices.Contains(top, p) {
				top = append(top, p)
			}
			continue
		}
		inner[outer] = append(inner[outer], strings.TrimPrefix(p, outer+"."))
	}
	d, err := newFlatPathDecoder(top...)
	if err != nil {
		return nil, err
	}
	d.all = paths
	d.inner = map[string]*pathDecoder{}
	for outer, rest := range inner {
		if d.inner[outer], err = newPathDecoder(rest...); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// newFlatPathDecoder is newPathDecoder for paths none of which is inside
// another.
func newFlatPathDecoder(paths ...string) (*pathDecoder, error) {
	type node struct {
		children map[string]*node
		order    []string
		leaf     bool
	}
	root := &node{children: map[string]*node{}}
	for _, p := range paths {
		if p == "" {
			continue
		}
		n := root
		for _, seg := range strings.Split(p, ".") {
			if seg == "" {
				return nil, fmt.Errorf("JSON path %q has an empty segment", p)
			}
			if n.leaf {
				return nil, fmt.Errorf("JSON path %q goes inside another path's value", p)
			}
			c, ok := n.children[seg]
			if !ok {
				c = &node{children: map[string]*node{}}
				n.children[seg] = c
				n.order = append(n.order, seg)
			}
			n = c
		}
		n.leaf = true
	}
	var build func(n *node) reflect.Type
	build = func(n *node) reflect.Type {
		if n.leaf {
			return rawType
		}
		fields := make([]reflect.StructField, len(n.order))
		for i, seg := range n.order {
			t := build(n.children[seg])
			if t.Kind() == reflect.Struct {
				t = reflect.PointerTo(t) // absent or null stays nil
			}
			fields[i] = reflect.StructField{
				Name: fmt.Sprintf("F%d", i),
				Type: t,
				Tag:  reflect.StructTag(fmt.Sprintf(`json:%q`, seg)),
			}
		}
		return reflect.StructOf(fields)
	}
	d := &pathDecoder{paths: paths, all: paths, typ: build(root)}
	for _, p := range paths {
		if p == "" {
			d.index = append(d.index, nil)
			continue
		}
		var chain []int
		n := root
		for _, seg := range strings.Split(p, ".") {
			i := 0
			for n.order[i] != seg {
				i++
			}
			chain = append(chain, i)
			n = n.children[seg]
		}
		d.index = append(d.index, chain)
	}
	return d, nil
}

// mustPathDecoder is newPathDecoder for paths fixed in the code.
func mustPathDecoder(paths ...string) *pathDecoder {
	d, err := newPathDecoder(paths...)
	if err != nil {
		panic(err)
	}
	return d
}

// decode reads body and returns the raw value at each path, in the order
// the decoder was made with; nil where a path is absent. The whole body
// stands for the empty path.
func (d *pathDecoder) decode(body []byte) ([]json.RawMessage, error) {
	vals, err := d.decodeFlat(body)
	if err != nil || len(d.inner) == 0 {
		return vals, err
	}
	byPath := map[string]json.RawMessage{}
	for i, p := range d.paths {
		byPath[p] = vals[i]
	}
	out := make([]json.RawMessage, len(d.all))
	for i, p := range d.all {
		if v, ok := byPath[p]; ok {
			out[i] = v
		}
	}
	for outer, sub := range d.inner {
		v := bytes.TrimSpace(byPath[outer])
		if len(v) > 0 && v[0] == '[' {
			// A list's paths are read in its first element: an error
			// list ({"errors": [{"message": ...}]}) names its first error.
			var list []json.RawMessage
			if json.Unmarshal(v, &list) == nil && len(list) > 0 {
				v = bytes.TrimSpace(list[0])
			}
		}
		if len(v) == 0 || v[0] != '{' {
			continue // absent, null or not an object: nothing inside
		}
		inner, err := sub.decode(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", outer, err)
		}
		for j, rest := range sub.all {
			i := slices.Index(d.all, outer+"."+rest)
			out[i] = inner[j]
		}
	}
	return out, nil
}

func (d *pathDecoder) decodeFlat(body []byte) ([]json.RawMessage, error) {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] != '{' {
		// A body that is not an object (a bare list, as some APIs answer)
		// has nothing at any path but the empty one.
		var raw json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, err
		}
		out := make([]json.RawMessage, len(d.index))
		for i, chain := range d.index {
			if chain == nil {
				out[i] = body
			}
		}
		return out, nil
	}
	v := reflect.New(d.typ)
	if err := json.Unmarshal(body, v.Interface()); err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, len(d.index))
	for i, chain := range d.index {
		if chain == nil {
			out[i] = body
			continue
		}
		f := v.Elem()
		for _, k := range chain {
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					f = reflect.Value{}
					break
				}
				f = f.Elem()
			}
			f = f.Field(k)
		}
		if f.IsValid() {
			out[i] = f.Interface().(json.RawMessage)
		}
	}
	return out, nil
}
