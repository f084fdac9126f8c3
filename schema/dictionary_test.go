package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/upexport/upexport/providers/jawbone"
	"github.com/upexport/upexport/schema"
)

// TestDictionaryFile keeps docs/schema.md in step with the declarations.
// Regenerate it with: go test ./schema -run TestDictionaryFile -update
// (or go run ./cmd/upexport schema > docs/schema.md; both write the same).
func TestDictionaryFile(t *testing.T) {
	var buf bytes.Buffer
	if err := schema.WriteMarkdown(&buf, jawbone.DictionaryText(), jb.AllTables()); err != nil {
		t.Fatal(err)
	}
	const path = "../docs/schema.md"
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./schema -run TestDictionaryFile -update creates it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("docs/schema.md is out of date; regenerate with go test ./schema -run TestDictionaryFile -update:\n%s",
			lineDiff(string(want), buf.String()))
	}
}

func TestDictionaryJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := schema.WriteJSON(&buf, jb.AllTables()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tables []struct {
			Name    string
			Columns []struct{ Name, Type, Unit, Description, Path string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	all := jb.AllTables()
	if len(got.Tables) != len(all) {
		t.Fatalf("%d tables in JSON, %d declared", len(got.Tables), len(all))
	}
	for i, tb := range got.Tables {
		if tb.Name != all[i].Name || len(tb.Columns) != len(all[i].Columns) {
			t.Errorf("table %d: %s with %d columns", i, tb.Name, len(tb.Columns))
			continue
		}
		for j, c := range tb.Columns {
			want := all[i].Columns[j]
			if c.Name != want.Name || c.Type != want.Type.String() || c.Path != want.Path || c.Unit != want.Unit {
				t.Errorf("%s.%s: %+v", tb.Name, want.Name, c)
			}
		}
	}
}

func TestDictionaryMarkdownNamesEveryColumn(t *testing.T) {
	var buf bytes.Buffer
	if err := schema.WriteMarkdown(&buf, jawbone.DictionaryText(), jb.AllTables()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, tb := range jb.AllTables() {
		if !strings.Contains(md, "\n## "+tb.Name+"\n") {
			t.Errorf("no section for %s", tb.Name)
		}
	}
	for _, s := range []string{"earlier instant", "deep", "`tz_offset`"} {
		if !strings.Contains(md, s) {
			t.Errorf("dictionary does not mention %q", s)
		}
	}
}
