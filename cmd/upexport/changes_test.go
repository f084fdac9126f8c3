package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
)

func TestChangesLine(t *testing.T) {
	tables := func(ch ...*export.RowChanges) *engine.Result {
		res := &engine.Result{}
		for i, c := range ch {
			name := []string{"moves", "moves_hourly", "meals"}[i]
			var rows int64
			if c != nil {
				rows = c.Rows()
			}
			res.Tables = append(res.Tables, export.TableResult{Name: name, Rows: rows, Changes: c})
		}
		return res
	}
	tests := []struct {
		name string
		res  *engine.Result
		want string
	}{
		{"unknown", tables(nil, nil), ""},
		{"a failed endpoint has none", tables(&export.RowChanges{Added: 2}, nil, &export.RowChanges{Unchanged: 1}),
			"since the previous export: 2 rows added, 0 changed, 1 unchanged (moves +2)"},
		{"no tables", tables(), ""},
		{"nothing new", tables(&export.RowChanges{Unchanged: 1200}, &export.RowChanges{Unchanged: 3}),
			"since the previous export: no rows added or changed (1,203 unchanged)"},
		{"some", tables(&export.RowChanges{Added: 1, Changed: 2, Unchanged: 3}, &export.RowChanges{Unchanged: 5}, &export.RowChanges{Changed: 1500}),
			"since the previous export: 1 row added, 1,502 changed, 8 unchanged (moves +1 ~2, meals ~1,500)"},
	}
	for _, tt := range tests {
		if got := changesLine(tt.res); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStepSummaryAppends: the Markdown goes after what earlier steps wrote,
// and text from a server cannot turn into Markdown or HTML there.
func TestStepSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "step_summary")
	if err := os.WriteFile(path, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := &engine.Result{Dir: "up", Warnings: []string{"server said <script>x</script> | *bold*"},
		Tables: []export.TableResult{{Name: "moves", Rows: 3, Changes: &export.RowChanges{Added: 1, Changed: 1, Unchanged: 1}, Status: "complete"},
			{Name: "meals", Status: "failed: HTTP 500"}}}
	for range 2 {
		if err := appendStepSummary(path, res); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	if !strings.HasPrefix(md, "earlier step\n") || strings.Count(md, "### upexport: up") != 2 {
		t.Errorf("not appended:\n%s", md)
	}
	for _, want := range []string{"| moves | 3 | 1 | 1 | 1 |", "**1 added, 1 changed**", "| meals (failed: HTTP 500) | 0 | | | |", `&lt;script&gt;x&lt;/script&gt; \| \*bold\*`} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in:\n%s", want, md)
		}
	}
	if err := appendStepSummary(filepath.Join(path, "not-a-dir"), res); err == nil || !strings.Contains(err.Error(), "$"+envStepSummary) {
		t.Errorf("unwritable summary file: %v", err)
	}
}

// TestMain keeps the tests' exports off the summary page of the CI job that
// runs them; the tests that want a summary set their own file.
func TestMain(m *testing.M) {
	os.Unsetenv(envStepSummary)
	os.Exit(m.Run())
}
