package archive

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir, "moves")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	long := `{"x":"` + strings.Repeat("é", 400_000) + `"}`
	in := []string{`{"xid":"a"}`, long, `[20160101,{"m_steps":1}]`, `{}`}
	for _, l := range in {
		if err := w.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("file visible before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := Each(path, func(l []byte) error { got = append(got, string(l)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(in, "\n") {
		t.Fatalf("read back %d lines, different", len(got))
	}
	if err := w.Write([]byte("a\nb")); err == nil {
		t.Fatal("a value with a newline was accepted")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left temp files: %v", entries)
	}
}

func TestCutShort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x"+Ext)
	w, _ := Create(path)
	w.Write([]byte(`{"a":1}`))
	w.Close()
	// A value without its newline is a torn write, not data.
	r, _ := Open(path)
	r.Next()
	r.Close()
	w2, _ := Create(path)
	w2.bw.WriteString(`{"a":1}` + "\n" + `{"b":`)
	w2.Close()
	err := Each(path, func([]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 2 is cut short") {
		t.Fatalf("err %v", err)
	}
}

func TestPlain(t *testing.T) {
	dir := t.TempDir()
	if _, err := Find(dir, "moves"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Find in an empty dir: %v", err)
	}
	plain := filepath.Join(dir, "moves"+PlainExt)
	if err := os.WriteFile(plain, []byte("{\"xid\":\"a\"}\n{\"xid\":\"b\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := Find(dir, "moves")
	if err != nil || path != plain {
		t.Fatalf("Find = %q, %v; want %q", path, err, plain)
	}
	var got []string
	if err := Each(path, func(l []byte) error { got = append(got, string(l)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != `{"xid":"a"},{"xid":"b"}` {
		t.Fatalf("read %q", got)
	}
	// An empty plain file has no values.
	empty := filepath.Join(dir, "x"+PlainExt)
	os.WriteFile(empty, nil, 0o644)
	if err := Each(empty, func([]byte) error { t.Fatal("a value in an empty file"); return nil }); err != nil {
		t.Fatal(err)
	}
	// The compressed file wins when both exist.
	w, _ := Create(Path(dir, "moves"))
	w.Write([]byte(`{"xid":"z"}`))
	w.Close()
	if path, _ := Find(dir, "moves"); path != Path(dir, "moves") {
		t.Fatalf("Find = %q, want the compressed file", path)
	}
}
