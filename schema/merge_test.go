package schema_test

import (
	"reflect"
	"testing"

	"github.com/upexport/upexport/schema"
)

// TestDiscovererMerge: discovering items in two parts and merging equals
// discovering them all, in any order.
func TestDiscovererMerge(t *testing.T) {
	items := []string{
		`{"xid":"a","details":{"new_n":1}}`,
		`{"xid":"b","details":{"new_n":1.5,"flag":true}}`,
		`{"xid":"c","other":null}`,
		`{"xid":"d","details":{"flag":"x"}}`,
	}
	all := jb.NewDiscoverer("moves", schema.Options{})
	for _, it := range items {
		if err := all.Item([]byte(it)); err != nil {
			t.Fatal(err)
		}
	}
	for split := range len(items) + 1 {
		a, b := jb.NewDiscoverer("moves", schema.Options{}), jb.NewDiscoverer("moves", schema.Options{})
		for i, it := range items {
			d := a
			if i >= split {
				d = b
			}
			if err := d.Item([]byte(it)); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Merge(a); err != nil { // the later part first: order must not matter
			t.Fatal(err)
		}
		if got, want := b.Tables(), all.Tables(); !reflect.DeepEqual(got, want) {
			t.Fatalf("split at %d: merged tables differ:\n got %+v\nwant %+v", split, got, want)
		}
	}
	if err := all.Merge(jb.NewDiscoverer("sleeps", schema.Options{})); err == nil {
		t.Fatal("merged discoveries of two endpoints")
	}
}
