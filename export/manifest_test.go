package export

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	since := time.Date(2015, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 3600))
	p := testProvenance
	p.Since = &since
	m := Manifest{Provenance: p, RunEnd: p.RunStart.Add(time.Minute), Format: Parquet,
		Tables: []TableResult{{Name: "moves", Rows: 90, Files: []FileResult{{Path: "moves.parquet", Rows: 90, SHA256: "ab"}},
			Columns: []ColumnInfo{{Name: "steps", Type: "int64"}}}}}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	got, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Since.Location() != time.UTC || !got.Since.Equal(since) || got.Generator != "upexport" || !reflect.DeepEqual(got.Tables, m.Tables) {
		t.Errorf("read back %+v", got)
	}
	// Rewriting what was read gives the same bytes, and the documented
	// shape is there.
	if err := WriteManifest(dir, got); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if !bytes.Equal(first, second) {
		t.Errorf("manifest changed on rewrite:\n%s\n%s", first, second)
	}
	for _, key := range []string{`"tables": [`, `"name": "moves"`, `"rows": 90`, `"path": "moves.parquet"`, `"sha256": "ab"`,
		`"type": "int64"`, `"unit": ""`, `"extra": false`, `"api_url": "https://up.example/nudge/api/v.1.1"`, `"since": "2014-12-31T23:00:00Z"`} {
		if !bytes.Contains(first, []byte(key)) {
			t.Errorf("manifest lacks %s:\n%s", key, first)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestIsExportDir(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) string {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if content != "" {
			if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	ours := write("ours", "")
	if err := WriteManifest(ours, Manifest{}); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]bool{
		ours: true, write("empty", ""): false, write("foreign", `{"name": "other tool"}`): false,
		write("corrupt", "{not json"): false, filepath.Join(root, "missing"): false,
	} {
		got, err := IsExportDir(dir)
		if err != nil || got != want {
			t.Errorf("IsExportDir(%s) = %v, %v; want %v", filepath.Base(dir), got, err, want)
		}
	}
	if _, err := ReadManifest(filepath.Join(root, "foreign")); err == nil {
		t.Error("ReadManifest accepted a foreign manifest")
	}
}
