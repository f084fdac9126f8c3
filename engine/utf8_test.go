package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
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
func invalidUTF8Replay(t *testing.T) *httptest.Server {
	rp := newReplay(t, []any{})
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
// UTF-8 in every format (U+FFFD for each invalid run), counted per column
// in the run's warnings and the manifest; --strict-schema stops instead.
func TestInvalidUTF8IsRepairedAndCounted(t *testing.T) {
	hs := invalidUTF8Replay(t)
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
				if got := column(t, out, "moves", "title"); !strings.HasPrefix(got[0], "\uFFFD bad \uFFFD(") {
					t.Errorf("moves title %q, want the invalid runs as U+FFFD", got[0])
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
