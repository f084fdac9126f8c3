package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/upexport/upexport/providers/jawbone"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/schema"
)

// invalidUTF8Replay serves the recorded pages with bytes that are not UTF-8
// in every move and sleep title and in a workout's route.
func invalidUTF8Replay(t *testing.T, dropUnknown bool) *httptest.Server {
	rp := newReplay(t, []any{})
	if dropUnknown {
		// The moves page of fields outside the schema makes an extra
		// column of numbers and text, which pandas' untyped read_csv
		// cannot type; that is not what this test is about.
		for i, page := range rp.pages[jawbone.Moves] {
			if bytes.Contains(page, []byte(`"new_flag"`)) {
				var env map[string]map[string]json.RawMessage
				if err := json.Unmarshal(page, &env); err != nil {
					t.Fatal(err)
				}
				env["data"]["items"] = json.RawMessage(`[]`)
				rp.pages[jawbone.Moves][i], _ = json.Marshal(env)
			}
		}
	}
	rp.mutate = func(path string, body []byte) []byte {
		switch {
		case strings.HasSuffix(path, "/moves"), strings.HasSuffix(path, "/sleeps"):
			return bytes.ReplaceAll(body, []byte(`"title":"`), []byte("\"title\":\"\xff\xfe bad \xc3("))
		case strings.HasSuffix(path, "/workouts"):
			return bytes.ReplaceAll(body, []byte(`"tz":"`), []byte("\"tz\":\"\xe2\x82"))
		}
		return body
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	return hs
}

// TestInvalidUTF8IsRepairedAndCounted: text that is not UTF-8 is written as
// UTF-8 in every format (U+FFFD for each invalid byte), counted per column
// in the run's warnings and the manifest; --strict-schema stops instead.
func TestInvalidUTF8IsRepairedAndCounted(t *testing.T) {
	hs := invalidUTF8Replay(t, false)
	for _, format := range []export.Format{export.CSV, export.Parquet} {
		t.Run(string(format), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			cfg := newReplay(t, nil).config(t, hs.URL+"/nudge/api/v.1.1", out)
			cfg.Export.Format = format
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(res.Warnings, "\n")
			for _, col := range []string{"moves.title", "sleeps.title", "workouts.tz"} {
				if !strings.Contains(all, col+": ") || !strings.Contains(all, "not valid UTF-8") {
					t.Errorf("no warning counting %s:\n%s", col, all)
				}
			}
			m, err := export.ReadManifest(out)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("moves.title: %d texts were not valid UTF-8", countItems(t, "moves_2016.json", "moves_dst.json",
				"moves_travel.json", "moves_zones.json", "moves_unknown.json"))
			if !strings.Contains(strings.Join(m.Warnings, "\n"), want) {
				t.Errorf("manifest warnings %q", m.Warnings)
			}
			checked := 0
			err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || strings.Contains(path, ".raw") {
					return err
				}
				switch filepath.Ext(path) {
				case ".csv":
					checked++
					b, err := os.ReadFile(path)
					if err != nil {
						return err
					}
					if !utf8.Valid(b) {
						t.Errorf("%s is not UTF-8", filepath.Base(path))
					}
				case ".parquet":
					checked++
					parquetStringsValid(t, path)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if checked < 20 {
				t.Fatalf("only %d files checked", checked)
			}
			if format == export.CSV {
				if got := column(t, out, jawbone.Moves, "title"); !strings.HasPrefix(got[0], "\uFFFD\uFFFD bad \uFFFD(") {
					t.Errorf("moves title %q, want each invalid byte as U+FFFD", got[0])
				}
			}
		})
	}
	t.Run("strict", func(t *testing.T) {
		cfg := newReplay(t, nil).config(t, hs.URL+"/nudge/api/v.1.1", filepath.Join(t.TempDir(), "out"))
		cfg.Schema.StrictSchema = true
		_, err := Run(context.Background(), cfg)
		var ee *schema.EncodingError
		if !errors.As(err, &ee) {
			t.Fatalf("err %v, want an EncodingError", err)
		}
	})
}

// parquetStringsValid reads every string column of a Parquet file as a
// reader would and checks each value is UTF-8.
func parquetStringsValid(t *testing.T, path string) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	for ci := 0; ci < int(tbl.NumCols()); ci++ {
		for _, chunk := range tbl.Column(ci).Data().Chunks() {
			s, ok := chunk.(*array.String)
			if !ok {
				continue
			}
			for j := 0; j < s.Len(); j++ {
				if s.IsValid(j) && !utf8.ValidString(s.Value(j)) {
					t.Errorf("%s column %s row %d: %q is not UTF-8", filepath.Base(path), tbl.Schema().Field(ci).Name, j, s.Value(j))
				}
			}
		}
	}
}

// TestInvalidUTF8Interop has readers upexport did not write read the
// export of a server that sends text that is not UTF-8: pandas the CSV
// (read_csv raises UnicodeDecodeError on invalid bytes), DuckDB the Parquet
// (it refuses a file with an invalid string). Each skips without its
// reader (test-tools/install.sh), unless UPEXPORT_REQUIRE_INTEROP=1.
func TestInvalidUTF8Interop(t *testing.T) {
	hs := invalidUTF8Replay(t, true)
	export1 := func(format export.Format) string {
		out := filepath.Join(t.TempDir(), string(format))
		cfg := newReplay(t, nil).config(t, hs.URL+"/nudge/api/v.1.1", out)
		cfg.Export.Format = format
		if _, err := Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tools := filepath.Join("..", "test-tools")
	t.Run("pandas", func(t *testing.T) {
		python := "/usr/bin/python3"
		if p := os.Getenv("UPEXPORT_PYTHON"); p != "" {
			python = p
		}
		needReader(t, "pandas", exec.Command(python, "-c", "import pandas, openpyxl"))
		out, err := exec.Command(python, filepath.Join(tools, "pandas-check.py"), export1(export.CSV)).CombinedOutput()
		if err != nil {
			t.Fatalf("pandas-check: %v\n%s", err, out)
		}
	})
	t.Run("duckdb", func(t *testing.T) {
		probe := exec.Command("node", "-e", "require('@duckdb/node-api')")
		probe.Dir = tools
		needReader(t, "DuckDB (@duckdb/node-api)", probe)
		cmd := exec.Command("node", "duckdb-check.mjs", export1(export.Parquet))
		cmd.Dir = tools
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("duckdb-check: %v\n%s", err, out)
		}
	})
}

func needReader(t *testing.T, name string, probe *exec.Cmd) {
	t.Helper()
	if out, err := probe.CombinedOutput(); err != nil {
		msg := name + " is not installed (run test-tools/install.sh): " + err.Error() + "\n" + string(out)
		if os.Getenv("UPEXPORT_REQUIRE_INTEROP") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}
