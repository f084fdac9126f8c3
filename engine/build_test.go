package engine

import (
	"bytes"
	"context"
	"fmt"
	"github.com/upexport/upexport/providers/jawbone"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/schema"
)

// discoverFile writes n moves items as an uncompressed archive; extra(i)
// adds fields to item i.
func discoverFile(t *testing.T, n int, extra func(i int) string) string {
	t.Helper()
	var b bytes.Buffer
	pad := strings.Repeat("x", 900) // about 1 KiB per line: several chunks
	for i := range n {
		fmt.Fprintf(&b, `{"xid":"m%d","title":"%s","time_created":%d,"details":{"steps":%d%s}}`+"\n",
			i, pad, 1400000000+i*86400, i, extra(i))
	}
	path := filepath.Join(t.TempDir(), jawbone.Moves+archive.PlainExt)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDiscoverParallel checks that the parallel discovery pass finds what
// one sequential Discoverer finds, and fails on the earliest bad line.
func TestDiscoverParallel(t *testing.T) {
	path := discoverFile(t, 4000, func(i int) string {
		switch i {
		case 10:
			return `,"zz_count":3`
		case 3900:
			return `,"zz_count":2.5,"late":true`
		case 2000:
			return `,"late":null`
		}
		return ""
	})
	seq := upTables.NewDiscoverer(jawbone.Moves, schema.Options{})
	if err := archive.Each(path, seq.Item); err != nil {
		t.Fatal(err)
	}
	got, err := discover(context.Background(), upTables, path, jawbone.Moves, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := seq.Tables(); !reflect.DeepEqual(got, want) {
		t.Fatalf("parallel discovery differs from sequential:\n got %+v\nwant %+v", got, want)
	}
	var extras []string
	for _, c := range got[0].Columns {
		if c.Extra {
			extras = append(extras, c.Name+":"+c.Type.String())
		}
	}
	if strings.Join(extras, ",") != "late:bool,zz_count:float64" {
		t.Fatalf("extra columns %v", extras)
	}

	strict := discoverFile(t, 4000, func(i int) string {
		if i == 1500 || i == 3500 {
			return `,"unknown_field":1`
		}
		return ""
	})
	_, err = discover(context.Background(), upTables, strict, jawbone.Moves, schema.Options{StrictSchema: true})
	if err == nil || !strings.Contains(err.Error(), "moves item 1501:") {
		t.Fatalf("strict discovery: %v, want the error of item 1501", err)
	}
}

// TestBuildUndeclaredFields: an archive without undeclared fields is built
// in one pass with the declared columns; one with such a field gets an
// extra column for it (the second pass) and a warning, and the rows are
// the same.
func TestBuildUndeclaredFields(t *testing.T) {
	for _, extra := range []bool{false, true} {
		src := t.TempDir()
		raw := filepath.Join(src, rawDir)
		if err := os.Mkdir(raw, 0o755); err != nil {
			t.Fatal(err)
		}
		st := `{"version":1,"api_url":"test","user_xid":"u1","endpoints":{"` + jawbone.Moves + `":{"items":3}}}`
		if err := os.WriteFile(filepath.Join(raw, stateFile), []byte(st), 0o644); err != nil {
			t.Fatal(err)
		}
		var lines strings.Builder
		for i := range 3 {
			more := ""
			if extra && i == 2 {
				more = `,"brand_new":7`
			}
			fmt.Fprintf(&lines, `{"xid":"m%d","time_created":%d,"details":{"steps":%d,"hourly_totals":{"2015010100":{"steps":1}}%s}}`+"\n",
				i, 1420070400+i*86400, i, more)
		}
		if err := os.WriteFile(filepath.Join(raw, jawbone.Moves+archive.PlainExt), []byte(lines.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out")
		res, err := Run(context.Background(), Config{Out: out, FromRaw: src, Export: export.Options{Format: export.Parquet}, Provider: up})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]int64{}
		var extras []string
		for _, tb := range res.Tables {
			rows[tb.Name] = tb.Rows
			for _, c := range tb.Columns {
				if c.Extra {
					extras = append(extras, tb.Name+"."+c.Name)
				}
			}
		}
		if rows[jawbone.Moves] != 3 || rows["moves_hourly"] != 3 {
			t.Fatalf("extra=%v: rows %v", extra, rows)
		}
		want := ""
		if extra {
			want = "moves.brand_new"
		}
		if strings.Join(extras, ",") != want {
			t.Fatalf("extra=%v: extra columns %v, want %q", extra, extras, want)
		}
		if warned := len(res.Warnings) > 0 && strings.Contains(strings.Join(res.Warnings, "\n"), "brand_new"); warned != extra {
			t.Fatalf("extra=%v: warnings %q", extra, res.Warnings)
		}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".upexport") {
				t.Fatalf("left behind %s", e.Name())
			}
		}
	}
}

// TestFlattenFileEqualsSequential: flattening on every core gives the rows
// of one sequential Flattener, in the same order, and the error of the
// earliest bad line.
func TestFlattenFileEqualsSequential(t *testing.T) {
	path := discoverFile(t, 5000, func(i int) string {
		return fmt.Sprintf(`,"hourly_totals":{"2015010100":{"steps":%d},"2015010101":{"steps":1}}`, i)
	})
	rows := func(b *schema.Batch, into map[string][]string) {
		for r := range b.Len {
			var cells []string
			for _, v := range b.Cols {
				switch {
				case !v.Valid[r]:
					cells = append(cells, "null")
				case v.Ints != nil:
					cells = append(cells, fmt.Sprint(v.Ints[r]))
				case v.Floats != nil:
					cells = append(cells, fmt.Sprint(v.Floats[r]))
				case v.Bools != nil:
					cells = append(cells, fmt.Sprint(v.Bools[r]))
				default:
					cells = append(cells, v.Strs[r])
				}
			}
			into[b.Table.Name] = append(into[b.Table.Name], strings.Join(cells, ","))
		}
	}
	want := map[string][]string{}
	f, err := upTables.NewFlattener(jawbone.Moves, "u1", nil, schema.Options{}, func(b *schema.Batch) error {
		rows(b, want)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := archive.Each(path, f.Item); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	st, err := flattenFile(context.Background(), upTables, path, jawbone.Moves, "u1", nil, schema.Options{}, 3, func(b *schema.Batch) error {
		rows(b, got)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want[jawbone.Moves]) != 5000 || len(want["moves_hourly"]) != 10000 {
		t.Fatalf("sequential rows: %d moves, %d hourly", len(want[jawbone.Moves]), len(want["moves_hourly"]))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("parallel flattening differs from sequential")
	}
	if st.Items != 5000 || st.Rows["moves_hourly"] != 10000 {
		t.Fatalf("stats %+v", st)
	}

	bad := discoverFile(t, 5000, func(i int) string {
		if i == 2100 || i == 4600 {
			return `,"steps":"many"`
		}
		return ""
	})
	_, err = flattenFile(context.Background(), upTables, bad, jawbone.Moves, "u1", nil, schema.Options{}, 3, func(*schema.Batch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "moves item 2101:") {
		t.Fatalf("got %v, want the error of item 2101", err)
	}
}

// TestCopyFile: the --from-raw fallback when a hard link is impossible
// (across file systems) copies the bytes, never overwrites, and keeps the
// copy private (0600) like the fetched archives.
func TestCopyFile(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	want := bytes.Repeat([]byte("tick\n"), 300000)
	if err := os.WriteFile(src, want, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(src, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, want) {
		t.Fatal("copy differs")
	}
	if fi, err := os.Stat(dst); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("copy mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if err := copyFile(src, dst); err == nil {
		t.Fatal("copied over an existing file")
	}
}

// TestFlattenFileReadErrorOrder: an item's error comes before a read error
// later in the same chunk, on both paths, as a sequential reader meets them.
func TestFlattenFileReadErrorOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), jawbone.Moves+archive.PlainExt)
	if err := os.WriteFile(path, []byte("[1,2,3]\n{\"xid\":\"a\""), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 4} {
		_, err := flattenFile(context.Background(), upTables, path, jawbone.Moves, "u", nil, schema.Options{}, workers, func(*schema.Batch) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "moves item 1:") {
			t.Errorf("%d workers: %v, want the error of item 1", workers, err)
		}
	}
}
